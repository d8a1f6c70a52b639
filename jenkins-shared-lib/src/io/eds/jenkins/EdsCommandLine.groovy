package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * One `eds` invocation as a list of arguments: global options (`-f`, `--state`, `--json`), the command, its
 * options. Rendered into one `sh` script line with every argument quoted and stdout (the single JSON object of
 * `--json`) redirected to a file; stderr (the deployment log) stays on the console.
 */
class EdsCommandLine implements Serializable {

    private static final long serialVersionUID = 1L

    /** Runs `eds` from PATH when installed, else the pinned package through npx. */
    static final String FALLBACK_FUNCTION = 'eds_cli() { if command -v eds >/dev/null 2>&1; then eds "$@"; ' +
        'else npx --yes %s "$@"; fi; }'

    final String command
    private final List<String> words = []

    /** `eds [-f FILE] [--state DIR] --json COMMAND ...`. */
    EdsCommandLine(String command, Map options) {
        this.command = command
        if (options.file) {
            words.addAll(['-f', options.file as String])
        }
        if (options.state) {
            words.addAll(['--state', options.state as String])
        }
        words << '--json'
        words.addAll(command.split(' ') as List<String>)
    }

    /** A positional argument (a deployment id): refused when it would read as an option. */
    @NonCPS
    EdsCommandLine argument(String value) {
        if (value.startsWith('-')) {
            throw new IllegalArgumentException("'${value}' is not a deployment id (it starts with '-')")
        }
        words << value
        return this
    }

    /** `--flag VALUE` when value is set. */
    @NonCPS
    EdsCommandLine option(String flag, Object value) {
        if (value != null && value != '') {
            words.addAll([flag, value.toString()])
        }
        return this
    }

    /** `--flag` when on. */
    @NonCPS
    EdsCommandLine flag(String flag, Object on) {
        if (on == true) {
            words << flag
        }
        return this
    }

    /** `--flag KEY=VALUE` for each entry, in key order (so the same map always gives the same command). */
    @NonCPS
    EdsCommandLine pairs(String flag, Map<String, String> entries) {
        if (entries) {
            entries.keySet().sort().each { String key -> words.addAll([flag, "${key}=${entries[key]}".toString()]) }
        }
        return this
    }

    /** `--flag VALUE` for each value. */
    @NonCPS
    EdsCommandLine repeated(String flag, List<String> values) {
        values?.each { String value -> words.addAll([flag, value]) }
        return this
    }

    @NonCPS
    List<String> getArguments() {
        return new ArrayList<String>(words)
    }

    /**
     * The `sh` script. `edsCommand` is a trusted shell prefix inserted as it is (e.g. `node /opt/eds/bin/eds.js`);
     * null uses `eds` from PATH, else `npx --yes PACKAGE@VERSION` (`fallbackPackage`).
     */
    @NonCPS
    String toShell(String edsCommand, String fallbackPackage, String resultFile) {
        String prefix = edsCommand
        String preamble = ''
        if (!prefix) {
            preamble = String.format(FALLBACK_FUNCTION, ShellQuoting.quote(fallbackPackage)) + '\n'
            prefix = 'eds_cli'
        }
        return "${preamble}${prefix} ${ShellQuoting.join(words)} > ${ShellQuoting.quote(resultFile)}".toString()
    }

}
