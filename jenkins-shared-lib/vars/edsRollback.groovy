import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.StepArguments

/**
 * Deploy the previous COMPLETED versions of an environment again (or those of deployment `to`), skipping
 * steps and analysis. No Jenkins lock: EDS refuses (exit 4, holder named) while a deployment holds the environment.
 */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsRollback', args, StepArguments.ROLLBACK)
    Map options = eds.options
    EdsCommandLine rollback = new EdsCommandLine('rollback', options)
        .option('--env', options.environment)
        .option('--to', options.to)
    return eds.finish(eds.run(rollback))
}
