/*
 * End-to-end tests of the EDS Jenkins shared library: the example Jenkinsfiles in test/jenkinsfiles run on the
 * harness Jenkins (test/harness) against the real eds CLI and its host agent, with real traffic.
 *
 *   JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
 *   groovy -cp test/harness:src test/run-tests.groovy [--report FILE] [--verbose]
 *
 * from jenkins-shared-lib/. EDS_COMMAND (default: node ../packages/cli/bin/eds.js, which `npm run build` makes)
 * runs eds. Prints `ok - NAME` / `not ok - NAME` per scenario; exits 1 when one fails. --report writes the
 * results as JSON; --verbose streams every build's console to stderr.
 */
import eds.harness.Build
import eds.harness.JenkinsHarness
import eds.harness.SharedLibrary
import eds.harness.Traffic
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

import java.nio.file.Files

List<String> argv = args as List
File reportFile = argv.contains('--report') ? new File(argv[argv.indexOf('--report') + 1]) : null
boolean verbose = argv.contains('--verbose')

File library = new File(System.getProperty('user.dir')).canonicalFile
if (!new File(library, 'vars/edsDeploy.groovy').isFile()) {
    library = new File(library, 'jenkins-shared-lib')
}
File repository = library.parentFile
String edsCommand = System.getenv('EDS_COMMAND') ?: "node ${new File(repository, 'packages/cli/bin/eds.js')}"
File work = Files.createTempDirectory('eds-jenkins-').toFile()
File workspace = new File(work, 'workspace')
File state = new File(work, 'state')
workspace.mkdirs()
new File(workspace, 'eds.yaml').text = new File(library, 'test/fixtures/eds.yaml').text
    .replace('@SERVER@', new File(repository, 'examples/hello/server.js').absolutePath)

String secret = "s3cr3t-${UUID.randomUUID()}"
JenkinsHarness jenkins = new JenkinsHarness(new SharedLibrary('eds', library), workspace, verbose)
jenkins.credentials['hello-api-token'] = secret
jenkins.agentEnvironment.EDS_COMMAND = edsCommand
jenkins.agentEnvironment.EDS_STATE_DIR = state.absolutePath

List<Build> builds = []
Closure<Build> run = { Map config ->
    Map effective = new LinkedHashMap(config)
    if (config.jenkinsfile instanceof String) {
        effective.jenkinsfile = new File(library, "test/jenkinsfiles/${config.jenkinsfile}")
    }
    Build build = jenkins.run(effective)
    builds << build
    assert build.harnessError == null
    return build
}

/** Run eds directly (not through Jenkins), for checking what the library did. */
Closure<Map> eds = { List<String> words ->
    List<String> command = edsCommand.split(' ') as List
    command.addAll(['-f', new File(workspace, 'eds.yaml').absolutePath, '--state', state.absolutePath, '--json'])
    command.addAll(words)
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start()
    String out = process.inputStream.text
    process.waitFor()
    return new JsonSlurper().parseText(out) as Map
}

/** The newest revision of a deployment's record in the file store. */
Closure<Map> record = { String id ->
    File dir = new File(state, "store/records/jenkins-demo/${id.split('\\.')[1]}/${id}")
    File newest = dir.listFiles().findAll { it.name.endsWith('.json') }.max { it.name }
    return new JsonSlurper().parse(newest) as Map
}

Closure<String> httpGet = { String url -> new URL(url).text }

Traffic traffic = null
/** Versions that answered users during a short window. */
Closure<Set<String>> servedVersions = { ->
    Map<String, Integer> seen = traffic.sample(700)
    assert seen.values().sum(0) > 0
    return seen.keySet()
}

boolean checkSupported = {
    Process help = new ProcessBuilder((edsCommand.split(' ') as List) + ['--help']).start()
    String text = help.inputStream.text
    help.waitFor()
    return text =~ /(?m)^\s+check\b/
}()

List<Map> scenarios = []
Closure scenario = { String name, Closure body -> scenarios << [name: name, body: body] }

// ---------------------------------------------------------------------------------------------------------------

scenario('argument validation fails the build naming the step and argument, before anything runs') {
    Map<String, String> cases = [
        "edsDeploy()": "edsDeploy: argument 'environment' is required: the environment to deploy to",
        "edsDeploy(enviroment: 'canary')": "edsDeploy: unknown argument 'enviroment' (did you mean 'environment'?)",
        "edsDeploy(environment: 'canary', versions: 'web=1.1.0')": "edsDeploy: argument 'versions' must be a map (got a string)",
        "edsDeploy(environment: 'canary', versions: [web: ['1.1.0']])": "edsDeploy: argument 'versions' entry 'web' must be a string, number or boolean (got a list)",
        "edsDeploy(environment: '  ')": "edsDeploy: argument 'environment' must not be empty",
        "edsDeploy(environment: 'canary', input: [submiter: 'alice'])": "edsDeploy: unknown argument 'input.submiter' (did you mean 'input.submitter'?)",
        "edsDeploy(environment: 'canary', input: [onTimeout: 'wait'])": "edsDeploy: argument 'input.onTimeout' must be one of abort, keep (got 'wait')",
        "edsDeploy(environment: 'canary', input: true, wait: true)": "edsDeploy: arguments 'wait' and 'input' cannot be used together",
        "edsDeploy(environment: 'canary', lock: 'yes')": "edsDeploy: argument 'lock' must be true or false (got a string)",
        "edsDeploy(environment: 'canary', credentials: ['hello-api-token'])": "edsDeploy: argument 'credentials' must be a map (got a list)",
        "edsPromote(full: true)": "edsPromote: argument 'id' is required: the deployment id",
        "edsApprove(id: 'x', by: 7)": "edsApprove: argument 'by' must be a string (got a number)",
        "edsRollback(env: 'canary')": "edsRollback: unknown argument 'env' (did you mean 'environment'?)",
        "edsCheck(environment: 'prod', vulnerabilityReports: 'trivy.json')": "edsCheck: argument 'vulnerabilityReports' must be a list of strings (got a string)",
        "edsStatus(id: 'x', verbose: true)": "edsStatus: unknown argument 'verbose'; edsStatus accepts: credentials, edsCommand, environment, file, id, propagate, state, user",
    ]
    cases.each { String call, String message ->
        Build build = run(script: "@Library('eds') _\nnode { ${call} }")
        assert build.result == 'FAILURE'
        assert build.consoleText.contains("ERROR: ${message}")
        assert build.calls('sh').isEmpty()
        assert build.calls('lock').isEmpty()
    }
}

scenario('an eds usage error (exit 2) fails the build with eds\' own message') {
    Build build = run(script: "@Library('eds') _\nnode { edsDeploy(environment: 'staging', app: 'jenkins-demo', lock: false) }")
    assert build.result == 'FAILURE'
    String error = build.consoleText.readLines().find { it.startsWith('ERROR: ') }
    assert error =~ /^ERROR: edsDeploy: .*staging.* \[exit 2: invalid input: /
}

scenario('first release (scripted Jenkinsfile): deployed at 100%, users reach it') {
    Build build = run(jenkinsfile: 'first-release.Jenkinsfile', startedBy: 'carol')
    assert build.result == 'SUCCESS'
    Map release = build.binding.getVariable('release') as Map
    assert release.status == 'COMPLETED' && release.ok && release.exitCode == 0 && release.outcome == 'Success'
    assert release.components*.version == ['1.0.0']
    assert release.url ==~ /http:\/\/127\.0\.0\.1:\d+/
    // app given: no `eds validate`; the deploy ran inside the lock, after the two milestones.
    assert build.shellScripts().size() == 1 && build.shellScripts()[0].contains(' deploy --env canary')
    assert build.calls('lock')*.args.resource == ['eds-jenkins-demo-canary']
    assert build.calls('milestone').size() == 2
    traffic = new Traffic(release.url as String).start()
    assert servedVersions() == ['1.0.0'] as Set
}

scenario('canary: deploy -> analysis -> input approved by alice -> edsPromote -> COMPLETED') {
    Build build = run(jenkinsfile: 'canary.Jenkinsfile', startedBy: 'carol', params: [VERSION: '1.1.0'],
                      inputs: [[by: 'alice']])
    assert build.result == 'SUCCESS'
    Map deployment = build.binding.getVariable('deployment') as Map
    assert deployment.status == 'COMPLETED' && deployment.phase == 'COMPLETED' && deployment.ok
    assert deployment.components[0].weights == ['1.1.0': 100]

    // The Jenkins idioms: lock per app and environment, milestones, input with the submitters and a timeout.
    List<String> order = build.steps*.step
    assert build.calls('lock')*.args.resource == ['eds-jenkins-demo-canary']
    assert build.calls('milestone').size() == 2
    assert order.indexOf('milestone') < order.indexOf('lock') && order.lastIndexOf('milestone') > order.indexOf('lock')
    Map input = build.calls('input')[0].args
    assert input.submitter == 'alice,bob' && input.ok == 'Promote' && input.submitterParameter == 'EDS_APPROVER'
    assert input.message =~ /^Deployment jenkins-demo\.canary\.\S+ of jenkins-demo web@1\.1\.0 to canary is paused at \S+ \(web \[1\.0\.0 75%, 1\.1\.0 25%\]\)\. Promote it\?$/
    assert build.calls('timeout')*.args == [[time: 30, unit: 'MINUTES']]
    assert build.calls('edsPromote')*.args*.subMap(['id', 'user', 'propagate']) ==
        [[id: deployment.id, user: 'alice', propagate: false]]
    List<String> scripts = build.shellScripts()
    assert scripts.size() == 3
    // Who acted, from where, and which variables hold secrets, as eds saw them.
    List<Map> edsEnvironments = build.calls('sh')*.args*.edsEnvironment
    Map identity = [EDS_FRONT_END: 'jenkins', EDS_JOB_URL: build.env.BUILD_URL, EDS_SECRET_VARS: 'HELLO_API_TOKEN']
    assert edsEnvironments == [identity + [EDS_USER: 'carol'], identity + [EDS_USER: 'carol'],
                               identity + [EDS_USER: 'alice']]
    assert scripts[0].contains(' --json validate --env canary')
    assert scripts[1].contains(' --json deploy --env canary --set-version web=1.1.0 > ')
    assert scripts[2].contains(" --json promote ${deployment.id} > ")
    String console = build.consoleText
    assert console.indexOf('Lock acquired on [Resource: eds-jenkins-demo-canary]') < console.indexOf(' promote ')
    assert console.indexOf(' promote ') < console.indexOf('Lock released on resource [Resource: eds-jenkins-demo-canary]')

    // The result file was written and archived; users now get 1.1.0 only, which got the secret as configuration.
    assert new JsonSlurper().parse(new File(workspace, 'eds-result.json')).status == 'COMPLETED'
    assert build.archived == ['eds-result.json']
    assert servedVersions() == ['1.1.0'] as Set
    assert new JsonSlurper().parseText(httpGet("${deployment.url}/config")).keys.contains('HELLO_API_TOKEN')

    // The record says who did what, from which front end and job.
    Map stored = record(deployment.id as String)
    assert stored.deployment.createdBy == 'carol'
    assert stored.deployment.metadata == [frontEnd: 'jenkins', jobUrl: build.env.BUILD_URL]
    assert stored.events.find { it.type == 'Promoted' }.by.subMap(['user', 'frontEnd', 'jobUrl']) ==
        [user: 'alice', frontEnd: 'jenkins', jobUrl: build.env.BUILD_URL]
    assert !console.contains(secret)
}

scenario('bad version: analysis catches the errors, the build fails with the reason, the environment is rolled back') {
    Build build = run(jenkinsfile: 'canary.Jenkinsfile', startedBy: 'carol',
                      params: [VERSION: '1.3.0', FAIL_RATE: '0.3'])
    assert build.result == 'FAILURE'
    String error = build.consoleText.readLines().find { it.startsWith('ERROR: ') }
    assert error =~ /^ERROR: edsDeploy: deployment jenkins-demo\.canary\.\S+ to canary FAILED \(ROLLED_BACK\): (background )?analysis failed: errorRate 0\.\d+ failed condition < 0\.05 .*\[exit 1: the deployment failed and was rolled back/
    assert build.consoleText.contains('The deployment failed and eds rolled the environment back.')
    assert build.calls('input').isEmpty()
    assert build.shellScripts()[1].contains(' deploy --env canary --set-version web=1.3.0 --set FAIL_RATE=0.3 > ')
    Map written = new JsonSlurper().parse(new File(workspace, 'eds-result.json')) as Map
    assert written.subMap(['ok', 'exitCode', 'outcome', 'status', 'phase']) ==
        [ok: false, exitCode: 1, outcome: 'DeploymentFailed', status: 'FAILED', phase: 'ROLLED_BACK']
    Map latest = eds(['status', '--env', 'canary'])
    assert latest.id == written.id && latest.phase == 'ROLLED_BACK'
    assert latest.components[0].weights == ['1.1.0': 100]
    assert servedVersions() == ['1.1.0'] as Set
}

scenario('input aborted by bob: edsAbort sends traffic back to stable, the build is ABORTED') {
    Build build = run(jenkinsfile: 'canary.Jenkinsfile', startedBy: 'carol', params: [VERSION: '1.2.0'],
                      inputs: [[by: 'bob', abort: true]])
    assert build.result == 'ABORTED'
    assert build.consoleText.contains('Rejected by bob')
    assert build.consoleText.contains('The deployment was aborted.')
    List<Map> aborts = build.calls('edsAbort')*.args
    assert aborts.size() == 1 && aborts[0].user == 'bob'
    Map aborted = eds(['status', aborts[0].id as String])
    assert aborted.status == 'CANCELLED' && aborted.phase == 'ABORTED'
    assert record(aborts[0].id as String).events.any { it.by?.user == 'bob' && it.by?.frontEnd == 'jenkins' }
    assert servedVersions() == ['1.1.0'] as Set
}

scenario('approval gate: eds refuses the requester alice, asks again, bob approves -> COMPLETED') {
    Build build = run(jenkinsfile: 'prod.Jenkinsfile', startedBy: 'alice', params: [VERSION: '1.0.0'],
                      inputs: [[by: 'alice'], [by: 'bob']])
    assert build.result == 'SUCCESS'
    Map deployment = build.binding.getVariable('deployment') as Map
    assert deployment.status == 'COMPLETED'
    List<Map> inputs = build.calls('input')*.args
    assert inputs.size() == 2 && inputs.every { it.submitter == 'alice,bob' && it.ok == 'Approve' }
    assert inputs[0].message ==~ /Approve deployment jenkins-demo\.prod\.\S+: jenkins-demo web@1\.0\.0 to prod\?/
    assert build.calls('timeout')[0].args == [time: 1440, unit: 'MINUTES']
    assert build.calls('edsApprove')*.args*.by == ['alice', 'bob']
    assert build.consoleText =~ /edsDeploy: alice cannot approve \S+: alice requested this deployment and cannot approve it; asking again/
    Map stored = record(deployment.id as String)
    assert stored.deployment.createdBy == 'alice'
    assert stored.progress.approvals*.subMap(['by', 'decision']) == [[by: 'bob', decision: 'approved']]
}

scenario('a canary left paused (input timed out, onTimeout keep) is promoted by a later build; meanwhile the environment is locked (exit 4)') {
    Build start = run(jenkinsfile: 'start-canary.Jenkinsfile', startedBy: 'carol', params: [VERSION: '1.2.0'],
                      inputs: [[timeout: true]])
    assert start.result == 'SUCCESS'
    Map canary = start.binding.getVariable('canary') as Map
    assert canary.ok && canary.paused && canary.phase == 'PAUSED' && canary.pauseReason == 'manual'
    assert start.consoleText.contains("${canary.id} stays paused")
    assert start.calls('timeout')*.args == [[time: 10, unit: 'MINUTES']]
    assert start.calls('edsAbort').isEmpty()

    Build blocked = run(script: """@Library('eds') _
node {
    locked = edsDeploy(environment: 'canary', app: 'jenkins-demo', versions: [web: '1.2.1'], waitLock: '1s', propagate: false)
}""", startedBy: 'dave')
    assert blocked.result == 'SUCCESS'
    Map locked = blocked.binding.getVariable('locked') as Map
    assert !locked.ok && locked.exitCode == 4 && locked.outcome == 'EnvironmentLocked'
    assert locked.reason.contains(canary.id as String)

    Build promote = run(jenkinsfile: 'promote.Jenkinsfile', startedBy: 'alice', params: [DEPLOYMENT_ID: canary.id])
    assert promote.result == 'SUCCESS'
    assert (promote.binding.getVariable('before') as Map).phase == 'PAUSED'
    Map promoted = promote.binding.getVariable('promoted') as Map
    assert promoted.status == 'COMPLETED' && promoted.components[0].weights == ['1.2.0': 100]
    assert servedVersions() == ['1.2.0'] as Set
}

scenario('rollback: the environment goes back to its previous completed release') {
    Build build = run(jenkinsfile: 'rollback.Jenkinsfile', startedBy: 'carol', params: [ENVIRONMENT: 'canary'])
    assert build.result == 'SUCCESS'
    Map rolledBack = build.binding.getVariable('rolledBack') as Map
    assert rolledBack.status == 'COMPLETED' && rolledBack.components*.version == ['1.1.0']
    assert build.consoleText.contains('canary is back on web@1.1.0')
    assert servedVersions() == ['1.1.0'] as Set
}

scenario('status: one deployment, one environment with its lock, every environment') {
    Build build = run(script: """@Library('eds') _
node {
    all = edsStatus()
    prod = edsStatus(environment: 'prod')
    missing = edsStatus(id: 'jenkins-demo.canary.19990101000000000.dead', propagate: false)
}""")
    assert build.result == 'SUCCESS'
    Map all = build.binding.getVariable('all') as Map
    assert all.application == 'jenkins-demo'
    assert all.environments*.environment.sort() == ['canary', 'prod']
    assert all.environments.find { it.environment == 'canary' }.components*.version == ['1.1.0']
    Map prod = build.binding.getVariable('prod') as Map
    assert prod.status == 'COMPLETED' && prod.environment == 'prod' && prod.json.containsKey('lock')
    Map missing = build.binding.getVariable('missing') as Map
    assert !missing.ok && missing.exitCode == 2 && missing.outcome == 'InvalidInput' && missing.errorCode
}

scenario('milestone: an older build does not deploy over a newer one that already passed') {
    jenkins.passMilestone('eds-app', 1, 500)
    Build older = run(number: 499, script: """@Library('eds') _
node { edsDeploy(environment: 'canary', app: 'jenkins-demo', versions: [web: '0.9.0']) }""")
    assert older.result == 'NOT_BUILT'
    assert older.consoleText.contains('Superseded by eds-app #500')
    assert older.calls('sh').isEmpty() && older.calls('lock').isEmpty()
}

if (checkSupported) {
    scenario('edsCheck: a passing check publishes junit and SARIF with recordIssues (Warnings NG)') {
        Build build = run(jenkinsfile: 'check.Jenkinsfile', params: [ENVIRONMENT: 'prod'])
        assert build.result == 'SUCCESS'
        Map check = build.binding.getVariable('check') as Map
        assert check.ok && !check.blocked && check.blocking == [] && check.policyVersion?.startsWith('sha256:')
        assert check.published == [junit: 'junit', sarif: 'recordIssues', markdown: 'archiveArtifacts']
        Map junit = build.published.find { it.step == 'junit' }
        // (eds writes a report without test cases when nothing was checked: junit accepts it with allowEmptyResults)
        assert junit.files == ['eds-security-junit.xml'] && junit.failures == 0
        assert build.calls('junit')[0].args == [testResults: 'eds-security-junit.xml', allowEmptyResults: true,
                                                skipMarkingBuildUnstable: true]
        assert build.published.find { it.step == 'recordIssues' }.subMap(['files', 'issues']) ==
            [files: ['eds-security.sarif'], issues: 0]
        assert build.archived == ['eds-security.md']
    }

    scenario('edsCheck: a critical vulnerability blocks (exit 3): reports published (SARIF archived without Warnings NG), build fails naming it') {
        new File(workspace, 'trivy.json').text = new File(library, 'test/fixtures/trivy-critical.json').text
        Build build = run(jenkinsfile: 'check.Jenkinsfile', params: [ENVIRONMENT: 'prod', VULN_REPORT: 'trivy.json'],
                          plugins: [])
        assert build.result == 'FAILURE'
        String error = build.consoleText.readLines().find { it.startsWith('ERROR: ') }
        assert error.startsWith('ERROR: edsCheck: security policy blocks prod: 1 blocking finding(s): [critical] ' +
                                'CVE-2024-0001: CVE-2024-0001 in openssl 3.1.4-r1')
        assert error.endsWith('[exit 3: blocked by security policy or by an approval rule]')
        assert build.calls('recordIssues').isEmpty()
        Map junit = build.published.find { it.step == 'junit' }
        assert junit.failures == 1
        assert build.archived.sort() == ['eds-security.md', 'eds-security.sarif']
        assert build.shellScripts()[0].contains(' check --env prod --vuln-report trivy.json --sarif eds-security.sarif')
    }
} else {
    System.out.println('# SKIP edsCheck scenarios: this eds CLI has no `check` command yet')
}

scenario('no console output and no stored record or state holds the credential value') {
    assert builds.size() > 10
    builds.each { Build build -> assert !build.consoleText.contains(secret) }
    List<File> leaking = []
    state.eachFileRecurse(groovy.io.FileType.FILES) { File file -> if (file.text.contains(secret)) leaking << file }
    assert leaking.isEmpty()
}

// ---------------------------------------------------------------------------------------------------------------

List<Map> results = []
long started = System.currentTimeMillis()
try {
    scenarios.each { Map entry ->
        long begin = System.currentTimeMillis()
        Map outcome = [name: entry.name, ok: true]
        try {
            entry.body.call()
        } catch (Throwable failure) {
            outcome.ok = false
            outcome.message = failure.toString()
            Build last = builds ? builds[-1] : null
            if (last) {
                outcome.console = last.consoleText.readLines().takeRight(40).join('\n')
            }
        }
        outcome.seconds = (System.currentTimeMillis() - begin) / 1000
        results << outcome
        System.out.println("${outcome.ok ? 'ok' : 'not ok'} - ${entry.name} (${outcome.seconds}s)")
        if (!outcome.ok) {
            System.out.println(outcome.message.readLines().collect { "  # ${it}" }.join('\n'))
            System.out.println("  # last build's console:\n${outcome.console.readLines().collect { "  #   ${it}" }.join('\n')}")
        }
    }
} finally {
    traffic?.stop()
    eds(['agent', 'stop'])
}
int failed = results.count { !it.ok } as int
System.out.println("# ${results.size() - failed} passed, ${failed} failed, ${results.size()} scenarios in " +
                   "${(System.currentTimeMillis() - started) / 1000}s (${builds.size()} builds)")
if (reportFile) {
    reportFile.text = JsonOutput.prettyPrint(JsonOutput.toJson([
        scenarios: results, secret: secret, checkScenario: checkSupported, builds: builds.size(),
    ]))
}
if (failed == 0) {
    work.deleteDir()
} else {
    System.out.println("# kept ${work} (workspace, eds state and agent logs) for inspection")
}
System.exit(failed == 0 ? 0 : 1)
