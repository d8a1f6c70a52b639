package org.jenkinsci.plugins.workflow.steps

/** Holds the stand-in of TimeoutStepExecution.ExceededTimeout, the cause of an expired `timeout`. */
class TimeoutStepExecution {
    static class ExceededTimeout {
        String getShortDescription() {
            return 'Timeout has been exceeded'
        }
    }
}
