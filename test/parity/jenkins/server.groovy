/*
 * A long-lived Jenkins for the parity and hand-off suites: the harness Jenkins of jenkins-shared-lib/test/harness
 * (read-only here), started once, running one build per request so the JVM and the library are compiled once.
 *
 *   groovy -cp jenkins-shared-lib/test/harness:jenkins-shared-lib/src test/parity/jenkins/server.groovy
 *
 * from the repository root. Reads one JSON request per stdin line:
 *   {"jenkinsfile": "/abs/x.Jenkinsfile", "workspace": "/abs/ws", "state": "/abs/state",
 *    "edsCommand": "node .../eds.js", "params": {...}, "startedBy": "carol"}
 * and answers each with one stdout line `@@parity-build ` + JSON:
 *   {"result": "SUCCESS", "outcome": {...the step's returned map (`outcome`), else the build's eds-result.json...},
 *    "error": "the ERROR: line, if any", "console": "..."}
 */
import eds.harness.Build
import eds.harness.JenkinsHarness
import eds.harness.SharedLibrary
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

File library = new File('jenkins-shared-lib').canonicalFile
SharedLibrary shared = new SharedLibrary('eds', library)
Map<String, JenkinsHarness> controllers = [:]
PrintStream out = System.out
// Builds log to their console buffers; anything else printed must not be mistaken for an answer.
System.setOut(System.err)

/** Plain JSON values (GStrings to strings, nested maps and lists). */
def plain
plain = { Object value ->
    if (value instanceof Map) {
        return value.collectEntries { k, v -> [(k.toString()): plain(v)] }
    }
    if (value instanceof Collection) {
        return value.collect { plain(it) }
    }
    if (value instanceof GString) {
        return value.toString()
    }
    return value
}

out.println('@@parity-ready')
out.flush()
BufferedReader input = new BufferedReader(new InputStreamReader(System.in, 'UTF-8'))
String line
while ((line = input.readLine()) != null) {
    if (!line.trim()) {
        continue
    }
    Map request = new JsonSlurper().parseText(line) as Map
    Map answer
    try {
        JenkinsHarness jenkins = controllers.computeIfAbsent(request.workspace as String) { String dir ->
            JenkinsHarness created = new JenkinsHarness(shared, new File(dir), false)
            created.agentEnvironment.EDS_COMMAND = request.edsCommand as String
            created.agentEnvironment.EDS_STATE_DIR = request.state as String
            return created
        }
        File resultFile = new File(request.workspace as String, 'eds-result.json')
        resultFile.delete()
        Build build = jenkins.run([
            jenkinsfile: new File(request.jenkinsfile as String),
            job: request.job ?: 'parity',
            startedBy: request.startedBy ?: 'carol',
            params: request.params ?: [:],
            inputs: request.inputs ?: [],
        ])
        Object outcome = build.binding.hasVariable('outcome') ? build.binding.getVariable('outcome') : null
        if (outcome == null && resultFile.isFile()) {
            // A failed edsDeploy returns nothing (it fails the build); its resultFile still says what happened.
            outcome = new JsonSlurper().parse(resultFile)
        }
        String error = build.consoleText.readLines().find { it.startsWith('ERROR: ') }
        answer = [result: build.result, outcome: plain(outcome), error: error, console: build.consoleText,
                  harnessError: build.harnessError?.toString()]
    } catch (Throwable failure) {
        answer = [result: 'HARNESS_ERROR', harnessError: failure.toString(), console: '']
    }
    out.println('@@parity-build ' + JsonOutput.toJson(answer))
    out.flush()
}
