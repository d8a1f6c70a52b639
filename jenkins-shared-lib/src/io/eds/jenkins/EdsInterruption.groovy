package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Reads why a build step was interrupted (a FlowInterruptedException from `input` or `timeout`) without
 * compiling against Jenkins classes: an ExceededTimeout cause means the `timeout` expired; a cause with a user
 * (Rejection) names who pressed Abort.
 */
class EdsInterruption implements Serializable {

    private static final long serialVersionUID = 1L

    @NonCPS
    static boolean isTimeout(Throwable interruption) {
        return causesOf(interruption).any { it.getClass().simpleName == 'ExceededTimeout' }
    }

    /** The id of the user who aborted, or null. */
    @NonCPS
    static String userOf(Throwable interruption) {
        for (Object cause : causesOf(interruption)) {
            if (cause.metaClass.respondsTo(cause, 'getUser')) {
                Object user = cause.getUser()
                if (user != null) {
                    return user.hasProperty('id') ? String.valueOf(user.id) : String.valueOf(user)
                }
            }
        }
        return null
    }

    @NonCPS
    private static List causesOf(Throwable interruption) {
        if (interruption.metaClass.respondsTo(interruption, 'getCauses')) {
            return (interruption.getCauses() ?: []) as List
        }
        return []
    }

}
