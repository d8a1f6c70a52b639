import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.StepArguments

/** Abort a deployment with `eds abort`: traffic back to stable, the new version removed, CANCELLED. */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsAbort', args, StepArguments.ABORT)
    return eds.finish(eds.run(new EdsCommandLine('abort', eds.options).argument(eds.options.id)))
}
