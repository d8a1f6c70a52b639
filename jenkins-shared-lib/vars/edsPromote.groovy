import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.StepArguments

/** Continue a paused deployment past its pause with `eds promote` (`full`: 100% now). See vars/edsPromote.txt. */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsPromote', args, StepArguments.PROMOTE)
    Map options = eds.options
    EdsCommandLine promote = new EdsCommandLine('promote', options)
        .argument(options.id)
        .flag('--full', options.full)
        .flag('--wait', options.wait)
    return eds.finish(eds.run(promote))
}
