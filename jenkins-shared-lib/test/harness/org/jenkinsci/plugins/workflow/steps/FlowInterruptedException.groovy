package org.jenkinsci.plugins.workflow.steps

/**
 * Stand-in for Jenkins' FlowInterruptedException (an InterruptedException): thrown when `input` is aborted, a
 * `timeout` expires or a milestone cancels an older build. `result` is what the build ends with.
 */
class FlowInterruptedException extends InterruptedException {
    final String result
    final List causes

    FlowInterruptedException(String result, Object... causes) {
        super("${result}: ${causes*.shortDescription.join('; ')}")
        this.result = result
        this.causes = causes as List
    }

    List getCauses() {
        return causes
    }
}
