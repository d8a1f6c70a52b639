package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Turns what `eds --json` printed, and its exit code, into the map a step returns. Always present:
 * `ok` (exit code 0), `exitCode`, `outcome` (the CLI's name of the exit code), `reason` (why it failed, or why
 * it paused: null when neither). For deployments also `id`, `application`, `environment`, `status`, `phase`,
 * `paused`, `pauseReason`, `currentStep`, `strategy`, `url` (the first component's endpoint), `endpoints`,
 * `components` (name, version, status, stableVersion, weights), `createdBy`, `revision`, and `json`: the whole
 * object eds printed, for fields this map does not lift.
 */
class EdsResult implements Serializable {

    private static final long serialVersionUID = 1L

    private static final List<String> TEXT_FIELDS = [
        'id', 'application', 'environment', 'status', 'phase', 'strategy', 'currentStep', 'pauseReason',
        'reason', 'createdBy', 'createdAt', 'completedAt',
    ].asImmutable()

    /** `json` is the parsed `--json` output (null when eds printed none); `exitCode` is the process's. */
    @NonCPS
    static Map<String, Object> from(Object json, Integer exitCode, ExitCodes codes) {
        Map<String, Object> printed = json instanceof Map ? (Map<String, Object>) plain(json) : null
        Map<String, Object> result = [
            ok: exitCode == ExitCodes.SUCCESS,
            exitCode: exitCode,
            outcome: codes.nameOf(exitCode),
        ]
        TEXT_FIELDS.each { String field -> result[field] = text(printed?.get(field)) }
        List<Map> components = printed?.get('components') instanceof List ? (List<Map>) printed.components : []
        result.components = components.findAll { it instanceof Map }.collect { Map component ->
            [
                name: text(component.name),
                version: text(component.version),
                status: text(component.status),
                stableVersion: text(component.stableVersion),
                weights: component.weights instanceof Map ? component.weights : [:],
            ]
        }
        result.endpoints = printed?.get('endpoints') instanceof Map ? printed.endpoints : [:]
        String first = result.components ? result.components[0].name : null
        result.url = first ? text(result.endpoints[first]) : null
        result.paused = result.phase == 'PAUSED'
        result.revision = printed?.get('revision') instanceof Number ? printed.revision : null
        result.lock = printed?.get('lock') instanceof Map ? printed.lock : null
        result.approvers = approversOf(printed)
        Map error = printed?.get('error') instanceof Map ? (Map) printed.error : null
        result.errorCode = text(error?.code)
        if (!result.reason && error) {
            result.reason = text(error.message)
        }
        if (!result.reason && exitCode != ExitCodes.SUCCESS) {
            result.reason = printed == null ?
                "eds printed no JSON result (exit ${exitCode}: ${codes.describe(exitCode)}); see its log above" :
                codes.describe(exitCode)
        }
        result.json = printed
        return result
    }

    /** Result maps for the summaries `eds status` lists (every environment); `status` tells how each ended. */
    @NonCPS
    static List<Map> fromEach(List summaries, ExitCodes codes) {
        return summaries.findAll { it instanceof Map }
            .collect { Map summary -> from(summary, ExitCodes.SUCCESS, codes) }
    }

    /**
     * Adds what `eds check` reports: `blocked`, `blocking` (rule, severity, message, file, remediation),
     * `countsBySeverity`, `policyVersion`; a blocked check's reason lists the first blocking findings.
     */
    @NonCPS
    static Map withCheck(Map result) {
        Map printed = result.json ?: [:]
        List<Map> blocking = printed.blocking instanceof List ? (List<Map>) printed.blocking : []
        result.blocked = printed.blocked == true || result.exitCode == ExitCodes.BLOCKED_BY_POLICY
        result.blocking = blocking
        result.countsBySeverity = printed.countsBySeverity instanceof Map ? printed.countsBySeverity : [:]
        result.policyVersion = text(printed.policyVersion)
        if (result.blocked && blocking) {
            List<String> first = blocking.take(5).collect { Map finding ->
                "[${finding.severity}] ${finding.rule}: ${finding.message}".toString()
            }
            result.reason = "security policy blocks ${result.environment}: ${blocking.size()} blocking finding(s): " +
                first.join('; ') + (blocking.size() > first.size() ? '; ...' : '')
        }
        return result
    }

    /** The one-line message a failing step passes to `error`. */
    @NonCPS
    static String failureMessage(String step, Map result, ExitCodes codes) {
        String what = result.id ?
            "deployment ${result.id}${result.environment ? " to ${result.environment}" : ''} " +
                "${result.status ?: ''}${result.phase ? " (${result.phase})" : ''}: " :
            ''
        return "${step}: ${what}${result.reason} [exit ${result.exitCode}: ${codes.describe(result.exitCode as int)}]"
    }

    /** One line for the console: `eds deploy: ID STATUS (PHASE), web@1.1.0 [1.0.0 80%, 1.1.0 20%], URL`. */
    @NonCPS
    static String summary(String command, Map result) {
        List<String> parts = []
        if (result.id) {
            String where = result.pauseReason ? "${result.phase}: ${result.pauseReason}" : result.phase
            parts << "${result.id} ${result.status} (${where}${result.currentStep ? " at ${result.currentStep}" : ''})"
            parts.addAll(result.components.collect { Map c -> "${c.name}@${c.version}${traffic(c)}".toString() })
            if (result.url) {
                parts << result.url
            }
        } else {
            parts << (result.ok ? 'ok' : 'failed')
        }
        if (!result.ok) {
            parts << "exit ${result.exitCode} ${result.outcome}: ${result.reason}"
        }
        return "eds ${command}: ${parts.join(', ')}"
    }

    /** The question `input` asks at a pause. */
    @NonCPS
    static String question(String application, Map result) {
        String versions = result.components.collect { Map c -> "${c.name}@${c.version}" }.join(', ')
        if (result.pauseReason == 'approval') {
            return "Approve deployment ${result.id}: ${application} ${versions} to ${result.environment}?"
        }
        String traffic = result.components.collect { Map c -> "${c.name}${traffic(c)}" }.join(', ')
        return "Deployment ${result.id} of ${application} ${versions} to ${result.environment} is paused at " +
            "${result.currentStep} (${traffic}). Promote it?"
    }

    /**
     * A copy made of LinkedHashMap, ArrayList, String, Number, Boolean and null, whatever readJSON gave (net.sf.json
     * types, lazy maps): safe to keep across CPS steps and to compare.
     */
    @NonCPS
    static Object plain(Object value) {
        if (isNull(value)) {
            return null
        }
        if (value instanceof Map) {
            Map<String, Object> copy = [:]
            value.each { key, item -> copy[String.valueOf(key)] = plain(item) }
            return copy
        }
        if (value instanceof List) {
            return value.collect { plain(it) }
        }
        if (value instanceof CharSequence) {
            return value.toString()
        }
        return value
    }

    /** Approvers when eds reports them (`approvals.approvers`), else an empty list. */
    @NonCPS
    private static List<String> approversOf(Map printed) {
        Object approvals = printed?.get('approvals')
        if (approvals instanceof Map && approvals.approvers instanceof List) {
            return approvals.approvers.collect { String.valueOf(it) }
        }
        return []
    }

    /** A string, or null for null and for readJSON's JSONNull. */
    @NonCPS
    private static String text(Object value) {
        return isNull(value) ? null : value.toString()
    }

    @NonCPS
    private static boolean isNull(Object value) {
        return value == null || value.getClass().name == 'net.sf.json.JSONNull'
    }

    @NonCPS
    private static String traffic(Map component) {
        Map weights = component.weights ?: [:]
        return weights ? ' [' + weights.collect { version, weight -> "${version} ${weight}%" }.join(', ') + ']' : ''
    }

}
