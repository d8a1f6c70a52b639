package eds.harness

/**
 * The `currentBuild` global (Jenkins' RunWrapper): number, result (null while the build runs and nothing set it;
 * setting it can only make it worse, as in Jenkins), currentResult, description, getBuildCauses.
 */
class RunWrapper {

    static final List<String> ORDER = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'].asImmutable()

    final int number
    final String absoluteUrl
    final String projectName
    String description
    String displayName
    private String result
    private final String startedBy

    RunWrapper(int number, String projectName, String absoluteUrl, String startedBy) {
        this.number = number
        this.projectName = projectName
        this.absoluteUrl = absoluteUrl
        this.startedBy = startedBy
        this.displayName = "#${number}"
    }

    String getResult() {
        return result
    }

    void setResult(String value) {
        if (!(value in ORDER)) {
            throw new IllegalArgumentException("currentBuild.result: not a result: ${value}")
        }
        if (result == null || ORDER.indexOf(value) > ORDER.indexOf(result)) {
            result = value
        }
    }

    String getCurrentResult() {
        return result ?: 'SUCCESS'
    }

    String getFullDisplayName() {
        return "${projectName} ${displayName}"
    }

    /** As Jenkins: a list of maps with `_class`, `shortDescription` and, for users, `userId` / `userName`. */
    List<Map> getBuildCauses(String className = null) {
        List<Map> causes = startedBy ?
            [[_class: 'hudson.model.Cause$UserIdCause', shortDescription: "Started by user ${startedBy}",
              userId: startedBy, userName: startedBy]] :
            [[_class: 'hudson.triggers.TimerTrigger$TimerTriggerCause', shortDescription: 'Started by timer']]
        return className ? causes.findAll { it._class == className } : causes
    }

    String getStartedBy() {
        return startedBy
    }

}
