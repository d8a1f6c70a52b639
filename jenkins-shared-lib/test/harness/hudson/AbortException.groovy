package hudson

/** Stand-in for hudson.AbortException: what `error` and a failing `sh` throw (the build fails, no stack trace). */
class AbortException extends IOException {
    AbortException(String message) {
        super(message)
    }
}
