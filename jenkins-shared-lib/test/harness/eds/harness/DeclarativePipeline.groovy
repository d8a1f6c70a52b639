package eds.harness

/**
 * The part of declarative Pipeline the example Jenkinsfiles use: `agent`, `options` (recorded), `environment`
 * (name = value), `stages { stage('x') { steps { } } }`, and `post` (always, success, failure, unstable,
 * aborted, unsuccessful, cleanup). As in Jenkins, a failing stage skips the stages after it, sets the build
 * result (FAILURE; ABORTED / NOT_BUILT for an interruption), runs the matching post conditions, and the build
 * ends with that failure.
 *
 * Builders define only their keywords (no methodMissing / property fallbacks except the environment block's
 * assignments) so everything else inside `steps { }` resolves to the Jenkinsfile, i.e. to steps and variables.
 */
class DeclarativePipeline {

    static final List<String> POST_ORDER = ['always', 'aborted', 'failure', 'success', 'unstable', 'unsuccessful',
                                            'cleanup'].asImmutable()

    private final Build owningBuild
    private Object agentDeclaration
    private final List<Object> optionsDeclared = []
    private final Map<String, String> environmentDeclared = [:]
    private final List<Map> stagesDeclared = []
    private final Map<String, Closure> postDeclared = [:]

    DeclarativePipeline(Build owningBuild) {
        this.owningBuild = owningBuild
    }

    DeclarativePipeline define(Closure definition) {
        configure(definition, this)
        if (agentDeclaration == null) {
            throw new IllegalArgumentException('pipeline: missing agent section')
        }
        if (stagesDeclared.isEmpty()) {
            throw new IllegalArgumentException('pipeline: missing stages section')
        }
        return this
    }

    void agent(Object declaration) {
        agentDeclaration = declaration
    }

    Object getAny() {
        return 'any'
    }

    Object getNone() {
        return 'none'
    }

    void options(Closure block) {
        configure(block, new OptionsBlock(optionsDeclared))
    }

    void environment(Closure block) {
        configure(block, new EnvironmentBlock(environmentDeclared))
    }

    void stages(Closure block) {
        configure(block, new StagesBlock(stagesDeclared))
    }

    void post(Closure block) {
        configure(block, new PostBlock(postDeclared))
    }

    void run() {
        Throwable failure = null
        owningBuild.withEnvironment(environmentDeclared) {
            stagesDeclared.each { Map stage ->
                if (failure != null) {
                    owningBuild.log("Stage \"${stage.name}\" skipped due to earlier failure(s)")
                    return
                }
                owningBuild.log("[Pipeline] stage\n[Pipeline] { (${stage.name})")
                try {
                    ((Closure) stage.steps).call()
                } catch (Throwable thrown) {
                    failure = thrown
                    owningBuild.currentBuild.result = Build.resultOf(thrown)
                    owningBuild.log(thrown instanceof hudson.AbortException ? "ERROR: ${thrown.message}" : "${thrown}")
                } finally {
                    owningBuild.log('[Pipeline] }')
                }
            }
            runPost()
        }
        if (failure != null) {
            throw failure
        }
    }

    private void runPost() {
        String result = owningBuild.currentBuild.currentResult
        POST_ORDER.each { String condition ->
            Closure block = postDeclared[condition]
            boolean applies = condition in ['always', 'cleanup'] ||
                (condition == 'success' && result == 'SUCCESS') ||
                (condition == 'failure' && result == 'FAILURE') ||
                (condition == 'unstable' && result == 'UNSTABLE') ||
                (condition == 'aborted' && result == 'ABORTED') ||
                (condition == 'unsuccessful' && result != 'SUCCESS')
            if (block != null && applies) {
                owningBuild.log("[Pipeline] post (${condition})")
                block.call()
            }
        }
    }

    static void configure(Closure block, Object builder) {
        block.delegate = builder
        block.resolveStrategy = Closure.DELEGATE_FIRST
        block.call()
    }

}

/** `options { timestamps(); disableConcurrentBuilds() }`: recorded, not applied. */
class OptionsBlock {
    private final List<Object> declared

    OptionsBlock(List<Object> declared) {
        this.declared = declared
    }

    Object methodMissing(String name, Object args) {
        declared << [name: name, args: args]
        return [option: name]
    }
}

/** `environment { NAME = 'value' }`. */
class EnvironmentBlock {
    private final Map<String, String> declared

    EnvironmentBlock(Map<String, String> declared) {
        this.declared = declared
    }

    void propertyMissing(String name, Object value) {
        declared[name] = value == null ? null : value.toString()
    }
}

/** `stages { stage('name') { steps { } } }`. */
class StagesBlock {
    private final List<Map> declared

    StagesBlock(List<Map> declared) {
        this.declared = declared
    }

    void stage(String name, Closure block) {
        StageBlock stage = new StageBlock()
        DeclarativePipeline.configure(block, stage)
        if (stage.@declaredSteps == null) {
            throw new IllegalArgumentException("stage '${name}': missing steps")
        }
        declared << [name: name, steps: stage.@declaredSteps]
    }
}

class StageBlock {
    private Closure declaredSteps

    void steps(Closure block) {
        declaredSteps = block
    }
}

/** `post { failure { } always { } }`: one method per condition, so steps inside them resolve to the script. */
class PostBlock {
    private final Map<String, Closure> declared

    PostBlock(Map<String, Closure> declared) {
        this.declared = declared
    }

    void always(Closure block) {
        declared.always = block
    }

    void aborted(Closure block) {
        declared.aborted = block
    }

    void failure(Closure block) {
        declared.failure = block
    }

    void success(Closure block) {
        declared.success = block
    }

    void unstable(Closure block) {
        declared.unstable = block
    }

    void unsuccessful(Closure block) {
        declared.unsuccessful = block
    }

    void cleanup(Closure block) {
        declared.cleanup = block
    }
}
