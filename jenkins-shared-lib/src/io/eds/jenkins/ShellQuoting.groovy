package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/** POSIX `sh` quoting: what reaches `eds` is exactly the argument, whatever characters it holds. */
class ShellQuoting implements Serializable {

    private static final long serialVersionUID = 1L

    /** Characters that never need quoting (the same set as Python's shlex.quote). */
    private static final String SAFE = /^[A-Za-z0-9_@%+=:,.\/-]+$/

    /** `value` as one shell word: unchanged when it is safe, else single-quoted with `'` escaped as `'"'"'`. */
    @NonCPS
    static String quote(String value) {
        if (value == null || value.isEmpty()) {
            return "''"
        }
        if (value ==~ SAFE) {
            return value
        }
        return "'" + value.replace("'", "'\"'\"'") + "'"
    }

    /** Each word quoted, joined with spaces. */
    @NonCPS
    static String join(List<String> words) {
        return words.collect { String word -> quote(word) }.join(' ')
    }

}
