import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsInterruption
import io.eds.jenkins.EdsResult
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.ExitCodes
import io.eds.jenkins.StepArguments

/**
 * Deploy the application to an environment with `eds deploy`, serialised per environment by
 * lock(resource: "eds-APP-ENV") and guarded by milestones. With `input`, a pause (a manual canary step or an
 * approval gate) is answered in this build: Proceed calls edsPromote / edsApprove, Abort calls edsAbort.
 * Returns the result map (see vars/edsDeploy.txt).
 */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsDeploy', args, StepArguments.DEPLOY)
    Map options = eds.options
    String app = options.app
    if (!app) {
        Map validated = eds.run(new EdsCommandLine('validate', options).option('--env', options.environment))
        if (!validated.ok) {
            return eds.finish(validated)
        }
        app = validated.json.application
    }
    String environment = options.environment
    Map result = null
    Closure deploy = {
        if (options.milestone) {
            milestone(label: "eds: deploy ${app} to ${environment}")
        }
        result = eds.run(deployCommand(options))
        if (options.input) {
            result = answerPauses(eds, app, result)
        }
    }
    if (options.milestone) {
        milestone(label: "eds: ${app} ${environment} queued")
    }
    if (options.lock) {
        lock(resource: "eds-${app}-${environment}", deploy)
    } else {
        deploy()
    }
    if (options.resultFile) {
        writeJSON(file: options.resultFile, json: result, pretty: 2)
    }
    return eds.finish(result)
}

EdsCommandLine deployCommand(Map options) {
    return new EdsCommandLine('deploy', options)
        .option('--env', options.environment)
        .pairs('--set-version', options.versions)
        .pairs('--set', options.set)
        .option('--strategy', options.strategy)
        .flag('--wait', options.wait)
        .option('--wait-lock', options.waitLock)
}

/** Ask at each pause until the deployment finishes, fails, or is left paused (timeout with onTimeout: 'keep'). */
Map answerPauses(EdsRunner eds, String app, Map deployed) {
    Map result = deployed
    while (result.ok && result.paused) {
        String answeredBy = askToContinue(eds, app, result)
        if (answeredBy == null) {
            break
        }
        Map continued = result.pauseReason == 'approval' ?
            edsApprove(eds.passOn() + [id: result.id, by: answeredBy]) :
            edsPromote(eds.passOn() + [id: result.id, user: answeredBy])
        if (!continued.ok && continued.exitCode == ExitCodes.BLOCKED_BY_POLICY && result.pauseReason == 'approval') {
            echo "edsDeploy: ${answeredBy} cannot approve ${result.id}: ${continued.reason}; asking again"
            continue
        }
        result = continued
    }
    return result
}

/** The user who answered Proceed, or null when the timeout expired and the deployment is kept paused. */
String askToContinue(EdsRunner eds, String app, Map paused) {
    Map prompt = eds.options.input
    boolean approval = paused.pauseReason == 'approval'
    List<String> approvers = paused.approvers ?: (eds.options.approvers ?: [])
    Map question = [
        message: prompt.message ?: EdsResult.question(app, paused),
        ok: prompt.ok ?: (approval ? 'Approve' : 'Promote'),
        submitterParameter: 'EDS_APPROVER',
    ]
    String submitter = prompt.submitter ?: approvers.join(',')
    if (submitter) {
        question.submitter = submitter
    }
    Object answer = null
    try {
        timeout(time: prompt.timeoutMinutes, unit: 'MINUTES') {
            answer = input(question)
        }
    } catch (InterruptedException interruption) {
        if (EdsInterruption.isTimeout(interruption) && prompt.onTimeout == 'keep') {
            echo "edsDeploy: no answer within ${prompt.timeoutMinutes} minute(s); ${paused.id} stays paused: " +
                "continue it from another build with edsPromote, edsApprove or edsAbort (id: '${paused.id}')"
            return null
        }
        String abortedBy = EdsInterruption.userOf(interruption) ?: eds.user()
        edsAbort(eds.passOn() + [id: paused.id, user: abortedBy])
        throw interruption
    }
    String approver = answer instanceof Map ? answer.EDS_APPROVER : answer
    return approver ?: eds.user()
}
