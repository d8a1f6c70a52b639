package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The named arguments each step accepts, and the check that turns a step's `Map args` into options with
 * defaults applied, or fails naming the step and the argument. Only shapes are checked here (required, type,
 * allowed keys): what the values mean (does the environment exist, is the version valid) is the `eds` CLI's
 * business, so the rules live in one place.
 */
class StepArguments implements Serializable {

    private static final long serialVersionUID = 1L

    /** Accepted by every step that runs `eds`. */
    static final Map<String, Map> COMMON = [
        file: [type: 'string', help: 'path of eds.yaml, relative to the workspace (default: eds.yaml)'],
        state: [type: 'string', help: 'the record store directory (default: $EDS_STATE_DIR, else .eds)'],
        edsCommand: [type: 'string',
                     help: 'shell command that runs the eds CLI (default: $EDS_COMMAND, else eds or npx @eds/cli)'],
        user: [type: 'string', help: 'who acts, recorded by EDS (default: the user who started the build)'],
        credentials: [type: 'map',
                      help: 'environment variable name -> id of a Jenkins "secret text" credential, ' +
                            'e.g. [HELLO_API_TOKEN: \'hello-api-token\']'],
        propagate: [type: 'boolean', defaultValue: true,
                    help: 'fail the build (error) when eds fails; false returns the result instead'],
    ].asImmutable()

    /** The `input` argument of edsDeploy, when given as a map. */
    static final Map<String, Map> INPUT = [
        message: [type: 'string', help: 'the question shown in Jenkins'],
        ok: [type: 'string', help: 'the proceed button (default: Promote, or Approve at an approval gate)'],
        submitter: [type: 'string',
                    help: 'comma-separated users/groups who may answer (default: the approvers argument)'],
        timeoutMinutes: [type: 'integer', defaultValue: 60, min: 1, help: 'how long to wait for an answer'],
        onTimeout: [type: 'string', defaultValue: 'abort', choices: ['abort', 'keep'],
                    help: 'abort the deployment, or keep it paused for another build to answer'],
    ].asImmutable()

    static final Map<String, Map> DEPLOY = (COMMON + [
        environment: [type: 'string', required: true,
                      help: 'the environment to deploy to, a key under environments: in eds.yaml'],
        versions: [type: 'map', help: 'component name -> version, e.g. [web: \'1.2.0\']'],
        set: [type: 'map', help: 'configuration key -> value (never secrets: use credentials)'],
        strategy: [type: 'string', help: 'override the strategy: ROLLING, BLUE_GREEN or CANARY'],
        wait: [type: 'boolean', defaultValue: false, conflicts: 'input',
               help: 'block at pauses until promoted, approved or aborted from elsewhere'],
        waitLock: [type: 'string', help: 'wait this long for a locked environment, e.g. 5m'],
        app: [type: 'string', help: 'the application name for the lock (default: name in eds.yaml)'],
        lock: [type: 'boolean', defaultValue: true,
               help: 'serialise deployments per environment with lock(resource: "eds-APP-ENV")'],
        milestone: [type: 'boolean', defaultValue: true,
                    help: 'milestone before and inside the lock, so an older build cannot deploy over a newer one'],
        input: [type: 'input', defaultValue: false,
                help: 'answer a pause in this build: true, or a map of ' + INPUT.keySet().join(', ')],
        approvers: [type: 'list', help: 'who may answer the input (default submitter), e.g. [\'alice\', \'bob\']'],
        resultFile: [type: 'string', help: 'also write the result as JSON to this workspace file'],
    ]).asImmutable()

    /** The deployment a step acts on. */
    private static final Map DEPLOYMENT_ID = [type: 'string', required: true,
                                              help: 'the deployment id (result.id of edsDeploy)'].asImmutable()

    static final Map<String, Map> PROMOTE = (COMMON + [
        id: DEPLOYMENT_ID,
        full: [type: 'boolean', defaultValue: false, help: 'skip the remaining steps and analysis: 100% now'],
        wait: [type: 'boolean', defaultValue: false, help: 'block at later pauses'],
    ]).asImmutable()

    static final Map<String, Map> ABORT = (COMMON + [
        id: DEPLOYMENT_ID,
    ]).asImmutable()

    static final Map<String, Map> APPROVE = (COMMON + [
        id: DEPLOYMENT_ID,
        by: [type: 'string', help: 'the approver (default: the user argument, else who started the build)'],
        reject: [type: 'boolean', defaultValue: false, help: 'reject (cancel) instead of approve'],
        comment: [type: 'string', help: 'why, kept in the record'],
    ]).asImmutable()

    static final Map<String, Map> ROLLBACK = (COMMON + [
        environment: [type: 'string', required: true, help: 'the environment to roll back'],
        to: [type: 'string', help: 'a COMPLETED deployment id to go back to (default: the previous one)'],
    ]).asImmutable()

    static final Map<String, Map> STATUS = (COMMON + [
        id: [type: 'string', help: 'a deployment id'],
        environment: [type: 'string', help: 'the latest deployment of this environment'],
    ]).asImmutable()

    static final Map<String, Map> CHECK = (COMMON + [
        environment: [type: 'string', required: true, help: 'the environment whose policy applies'],
        vulnerabilityReports: [type: 'list', help: 'scanner reports to gate on, e.g. [\'trivy.json\']'],
        sarif: [type: 'string', defaultValue: 'eds-security.sarif', help: 'SARIF report file'],
        junit: [type: 'string', defaultValue: 'eds-security-junit.xml', help: 'JUnit report file'],
        markdown: [type: 'string', defaultValue: 'eds-security.md', help: 'Markdown report file'],
        publish: [type: 'boolean', defaultValue: true,
                  help: 'publish the reports: junit, and recordIssues (else archiveArtifacts) for SARIF'],
    ]).asImmutable()

    /**
     * Check `args` against `accepted` and return the options: every accepted argument, defaults filled in, strings
     * as String, maps as String -> String. Throws IllegalArgumentException with a message naming the step and
     * the argument; the steps turn it into `error`.
     */
    @NonCPS
    static Map<String, Object> validate(String step, Map args, Map<String, Map> accepted) {
        Map<String, Object> options = checkKeys(step, '', args ?: [:], accepted)
        accepted.each { String name, Map rule ->
            String conflict = rule.conflicts
            if (conflict && truthy(options[name]) && truthy(options[conflict])) {
                throw new IllegalArgumentException(
                    "${step}: arguments '${name}' and '${conflict}' cannot be used together: " +
                    "'${name}' ${rule.help}; '${conflict}' ${accepted[conflict].help}")
            }
        }
        return options
    }

    /**
     * The accepted name a misspelt or shortened one means: the same ignoring case, the one it abbreviates (`env`),
     * else the nearest within an edit distance of 2; null when none is close.
     */
    @NonCPS
    static String closest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase()
        String abbreviated = lower.length() >= 3 ? candidates.find { it.toLowerCase().startsWith(lower) } : null
        if (abbreviated) {
            return abbreviated
        }
        String best = null
        int bestDistance = 3
        candidates.each { String candidate ->
            int distance = candidate.equalsIgnoreCase(name) ? 0 : editDistance(lower, candidate.toLowerCase())
            if (distance < bestDistance) {
                best = candidate
                bestDistance = distance
            }
        }
        return best
    }

    @NonCPS
    private static Map<String, Object> checkKeys(String step, String prefix, Map args, Map<String, Map> accepted) {
        args.keySet().each { key ->
            String name = String.valueOf(key)
            if (!accepted.containsKey(name)) {
                String suggestion = closest(name, accepted.keySet())
                throw new IllegalArgumentException(
                    "${step}: unknown argument '${prefix}${name}'" +
                    (suggestion ? " (did you mean '${prefix}${suggestion}'?)" : '') +
                    "; ${prefix ? "'${prefix[0..-2]}'" : step} accepts: ${accepted.keySet().sort().join(', ')}")
            }
        }
        Map<String, Object> options = [:]
        accepted.each { String name, Map rule ->
            Object value = args[name]
            String label = "${step}: argument '${prefix}${name}'"
            if (value == null) {
                if (rule.required) {
                    throw new IllegalArgumentException("${label} is required: ${rule.help}")
                }
                options[name] = rule.defaultValue
                return
            }
            options[name] = convert(step, label, prefix + name, value, rule)
        }
        return options
    }

    @NonCPS
    private static Object convert(String step, String label, String path, Object value, Map rule) {
        switch (rule.type) {
            case 'string':
                String text = requireString(label, value, rule)
                if (rule.choices && !(text in rule.choices)) {
                    throw new IllegalArgumentException(
                        "${label} must be one of ${rule.choices.join(', ')} (got '${text}'): ${rule.help}")
                }
                return text
            case 'boolean':
                if (!(value instanceof Boolean)) {
                    throw new IllegalArgumentException(
                        "${label} must be true or false (got ${typeOf(value)}): ${rule.help}")
                }
                return value
            case 'integer':
                if (!(value instanceof Integer || value instanceof Long) || value < (rule.min ?: 0)) {
                    throw new IllegalArgumentException(
                        "${label} must be a whole number >= ${rule.min ?: 0} (got ${typeOf(value)} ${value}): " +
                        rule.help)
                }
                return value as Integer
            case 'map':
                return requireStringMap(label, value, rule)
            case 'list':
                return requireStringList(label, value, rule)
            case 'input':
                if (value instanceof Boolean) {
                    return value ? checkKeys(step, "${path}.", [:], INPUT) : false
                }
                if (value instanceof Map) {
                    return checkKeys(step, "${path}.", (Map) value, INPUT)
                }
                throw new IllegalArgumentException(
                    "${label} must be true, false or a map (got ${typeOf(value)}): ${rule.help}")
            default:
                throw new IllegalStateException("${label}: unknown argument type ${rule.type}")
        }
    }

    @NonCPS
    private static String requireString(String label, Object value, Map rule) {
        if (!(value instanceof CharSequence)) {
            throw new IllegalArgumentException("${label} must be a string (got ${typeOf(value)}): ${rule.help}")
        }
        String text = "${value}"
        if (text.trim().isEmpty()) {
            throw new IllegalArgumentException("${label} must not be empty: ${rule.help}")
        }
        return text
    }

    @NonCPS
    private static Map<String, String> requireStringMap(String label, Object value, Map rule) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("${label} must be a map (got ${typeOf(value)}): ${rule.help}")
        }
        Map<String, String> out = [:]
        ((Map) value).each { key, item ->
            String name = String.valueOf(key)
            if (name.trim().isEmpty() || name.contains('=')) {
                throw new IllegalArgumentException(
                    "${label} has an invalid key '${name}' (empty or containing '='): ${rule.help}")
            }
            if (!(item instanceof CharSequence || item instanceof Number || item instanceof Boolean)) {
                throw new IllegalArgumentException(
                    "${label} entry '${name}' must be a string, number or boolean (got ${typeOf(item)}): ${rule.help}")
            }
            out[name] = item.toString()
        }
        return out
    }

    @NonCPS
    private static List<String> requireStringList(String label, Object value, Map rule) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(
                "${label} must be a list of strings (got ${typeOf(value)}): ${rule.help}")
        }
        List<String> out = []
        ((List) value).eachWithIndex { item, index ->
            if (!(item instanceof CharSequence) || item.toString().trim().isEmpty()) {
                throw new IllegalArgumentException(
                    "${label}[${index}] must be a non-empty string (got ${typeOf(item)}): ${rule.help}")
            }
            out << item.toString()
        }
        return out
    }

    @NonCPS
    private static boolean truthy(Object value) {
        return value != null && value != false
    }

    @NonCPS
    private static String typeOf(Object value) {
        if (value == null) {
            return 'null'
        }
        if (value instanceof CharSequence) {
            return 'a string'
        }
        if (value instanceof Map) {
            return 'a map'
        }
        if (value instanceof List) {
            return 'a list'
        }
        if (value instanceof Number) {
            return 'a number'
        }
        return value instanceof Boolean ? 'a boolean' : "a ${value.getClass().simpleName}"
    }

    /** Levenshtein distance (the classic two-row table). */
    @NonCPS
    @SuppressWarnings('NestedForLoop')
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1]
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1]
            current[0] = i
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.length()]
    }

}
