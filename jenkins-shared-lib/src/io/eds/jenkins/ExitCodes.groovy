package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The exit codes of `eds` (resources/io/eds/jenkins/eds-cli.json, the same table as the CLI's ExitCode):
 * 0 success (paused counts), 1 failed or rolled back, 2 invalid input, 3 blocked by policy, 4 environment
 * locked, 5 internal.
 */
class ExitCodes implements Serializable {

    private static final long serialVersionUID = 1L

    static final int SUCCESS = 0
    static final int DEPLOYMENT_FAILED = 1
    static final int INVALID_INPUT = 2
    static final int BLOCKED_BY_POLICY = 3
    static final int ENVIRONMENT_LOCKED = 4
    static final int INTERNAL = 5

    private final Map<Integer, Map> byCode = [:]

    /** `table` is the `exitCodes` list of eds-cli.json: `[[code: 0, name: 'Success', description: '...'], ...]`. */
    ExitCodes(List<Map> table) {
        table.each { Map entry -> byCode[entry.code as Integer] = [name: entry.name, description: entry.description] }
    }

    /** The CLI's name of an exit code (`DeploymentFailed`), or `Unknown` for codes eds does not use. */
    @NonCPS
    String nameOf(int code) {
        return byCode[code]?.name ?: 'Unknown'
    }

    /** What an exit code means, for messages; codes eds never uses (127: not found, 128+N: killed) are explained. */
    @NonCPS
    String describe(int code) {
        if (byCode[code]) {
            return byCode[code].description
        }
        if (code == 127) {
            return 'command not found: is the eds CLI installed, or is edsCommand / EDS_COMMAND right?'
        }
        return code > 128 ? "eds was killed by signal ${code - 128}" :
            'not an eds exit code: is edsCommand / EDS_COMMAND right?'
    }

}
