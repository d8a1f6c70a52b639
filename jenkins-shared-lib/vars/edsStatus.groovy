import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsResult
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.StepArguments

/**
 * A deployment (`id`), the latest one of an environment (`environment`, with the environment lock), or with
 * neither the latest of every environment (`environments`: a list of result maps). See vars/edsStatus.txt.
 */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsStatus', args, StepArguments.STATUS)
    Map options = eds.options
    EdsCommandLine status = new EdsCommandLine('status', options).option('--env', options.environment)
    if (options.id) {
        status.argument(options.id)
    }
    Map result = eds.finish(eds.run(status))
    if (!options.id && !options.environment && result.json?.environments instanceof List) {
        result.application = result.json.application
        result.environments = EdsResult.fromEach(result.json.environments, eds.exitCodes())
    }
    return result
}
