import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.StepArguments

/** Approve (or with `reject: true`, reject) a deployment waiting at its approval gate. See vars/edsApprove.txt. */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsApprove', args, StepArguments.APPROVE)
    Map options = eds.options
    String approver = options.by ?: eds.user()
    EdsCommandLine decision = new EdsCommandLine(options.reject ? 'reject' : 'approve', options)
        .argument(options.id)
        .option('--by', approver)
        .option('--comment', options.comment)
    return eds.finish(eds.run(decision, approver))
}
