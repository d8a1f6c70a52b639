package eds.harness

import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import hudson.AbortException
import org.jenkinsci.plugins.pipeline.milestone.CancelledCause
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.jenkinsci.plugins.workflow.steps.TimeoutStepExecution
import org.jenkinsci.plugins.workflow.support.steps.input.Rejection

import groovy.io.FileType

import java.nio.file.FileSystems
import java.nio.file.Path
import java.nio.file.PathMatcher
import java.util.concurrent.TimeUnit

/**
 * One run of a Jenkinsfile: the steps it may call, what they did (`steps`, `console`), and how it ended
 * (`result`). Steps behave as Jenkins documents them: `sh` really runs `sh -xe` in the workspace with the build's
 * environment, `error` and a failing `sh` throw AbortException, `input` answers from a script of answers (or
 * throws FlowInterruptedException on abort / when its `timeout` expires), `lock` really excludes, `milestone`
 * cancels an older build passing a milestone a newer build passed. Unknown steps and unknown step parameters
 * fail as in Jenkins. `withCredentials` does NOT mask secrets in the console (Jenkins would): the console shows
 * exactly what the library and eds printed, so a test can prove that nothing printed a secret.
 */
class Build {

    static final String BINDING_KEY = '__harnessBuild'

    /** Parameters each step accepts; the first is what a single positional argument means. */
    static final Map<String, List<String>> PARAMETERS = [
        sh: ['script', 'returnStatus', 'returnStdout', 'label', 'encoding'],
        echo: ['message'],
        error: ['message'],
        readJSON: ['file', 'text', 'returnPojo'],
        writeJSON: ['file', 'json', 'pretty', 'returnText'],
        readFile: ['file', 'encoding'],
        writeFile: ['file', 'text', 'encoding'],
        fileExists: ['file'],
        pwd: ['tmp'],
        libraryResource: ['resource', 'encoding'],
        library: ['identifier', 'changelog'],
        lock: ['resource', 'label', 'quantity', 'inversePrecedence', 'skipIfLocked', 'variable'],
        milestone: ['ordinal', 'label', 'unsafe'],
        input: ['message', 'id', 'ok', 'submitter', 'submitterParameter', 'parameters'],
        timeout: ['time', 'unit', 'activity'],
        withEnv: ['overrides'],
        withCredentials: ['bindings'],
        string: ['credentialsId', 'variable'],
        junit: ['testResults', 'allowEmptyResults', 'skipMarkingBuildUnstable', 'skipPublishingChecks',
                'keepLongStdio'],
        archiveArtifacts: ['artifacts', 'allowEmptyArchive', 'fingerprint', 'onlyIfSuccessful', 'excludes'],
        recordIssues: ['tools', 'enabledForFailure', 'qualityGates', 'id', 'name'],
        sarif: ['pattern', 'id', 'name'],
        stage: ['name'],
        node: ['label'],
        script: [],
        isUnix: [],
        pipeline: [],
    ].asImmutable()

    /** Steps that take a block. */
    static final Set<String> BLOCK_STEPS = ['lock', 'timeout', 'withEnv', 'withCredentials', 'stage', 'node',
                                            'script', 'pipeline'] as Set

    /** Steps of the Warnings NG plugin: absent when a build runs without it. */
    static final Set<String> WARNINGS_NG = ['recordIssues', 'sarif'] as Set

    final JenkinsHarness jenkins
    final String job
    final int number
    final File workspace
    final EnvVars env
    final RunWrapper currentBuild
    final Map params
    final StringBuffer console = new StringBuffer()
    /** Every step and library call, in order: `[step: name, args: named arguments]` (`library: true` for vars). */
    final List<Map> steps = Collections.synchronizedList([])
    final List<String> archived = []
    final List<Map> published = []
    String result
    Throwable failure
    /** Set when the test itself is wrong (an unexpected input, an answer by a user the input does not allow). */
    Throwable harnessError

    private final Binding binding = new Binding()
    private final Map<String, Script> libraryVariables = [:]
    private final List<Map> inputAnswers
    private final Set<String> plugins
    private final List<Map> activeTimeouts = []
    private int lastMilestone = 0
    private final long startedAt = System.currentTimeMillis()

    Build(JenkinsHarness jenkins, Map config) {
        this.jenkins = jenkins
        this.job = config.job ?: 'eds-app'
        this.number = config.number as int
        this.workspace = jenkins.workspace
        String url = "${jenkins.url}job/${job}/${number}/"
        this.currentBuild = new RunWrapper(number, job, url, config.startedBy as String)
        this.params = Collections.unmodifiableMap(new LinkedHashMap(config.params ?: [:]))
        this.inputAnswers = new ArrayList<Map>(config.inputs ?: [])
        this.plugins = new HashSet<String>(config.containsKey('plugins') ? config.plugins as List : ['warnings-ng'])
        Map<String, String> buildEnv = [
            BUILD_NUMBER: "${number}".toString(), BUILD_ID: "${number}".toString(), JOB_NAME: job,
            BUILD_TAG: "jenkins-${job}-${number}".toString(), BUILD_URL: url, JOB_URL: "${jenkins.url}job/${job}/".toString(),
            JENKINS_URL: jenkins.url, WORKSPACE: workspace.absolutePath, WORKSPACE_TMP: tmpDir().absolutePath,
            NODE_NAME: 'built-in',
        ]
        Map<String, String> agentEnv = new LinkedHashMap<String, String>(System.getenv())
        agentEnv.putAll(jenkins.agentEnvironment)
        this.env = new EnvVars(agentEnv, buildEnv)
        binding.setVariable(BINDING_KEY, this)
        binding.setVariable('env', env)
        binding.setVariable('currentBuild', currentBuild)
        binding.setVariable('params', params)
    }

    Binding getBinding() {
        return binding
    }

    /** Run a compiled Jenkinsfile to its end; the build's result is set, nothing is thrown. */
    Build execute(Class<? extends Script> jenkinsfile) {
        log("Started by ${currentBuild.startedBy ? "user ${currentBuild.startedBy}" : 'timer'}")
        log("Running in ${workspace}")
        try {
            Script script = jenkinsfile.newInstance()
            script.setBinding(binding)
            script.run()
        } catch (Throwable thrown) {
            failure = thrown
            if (thrown instanceof HarnessError) {
                harnessError = thrown
            }
            currentBuild.result = resultOf(thrown)
            log(thrown instanceof FlowInterruptedException ? "${thrown.message}" :
                thrown instanceof AbortException ? "ERROR: ${thrown.message}" : "ERROR: ${thrown}")
        }
        result = currentBuild.currentResult
        log("Finished: ${result}")
        return this
    }

    static String resultOf(Throwable thrown) {
        return thrown instanceof FlowInterruptedException ? ((FlowInterruptedException) thrown).result : 'FAILURE'
    }

    String getConsoleText() {
        return console.toString()
    }

    /** The recorded calls of one step (or library variable). */
    List<Map> calls(String name) {
        synchronized (steps) {
            return steps.findAll { it.step == name }
        }
    }

    /** The scripts `sh` ran, in order. */
    List<String> shellScripts() {
        return calls('sh').collect { it.args.script as String }
    }

    void log(Object line) {
        String text = "${line}\n"
        console.append(text)
        if (jenkins.verbose) {
            System.err.print(String.format('    [#%d %6.2fs] %s', number, (System.currentTimeMillis() - startedAt) / 1000d, text))
        }
    }

    /** A method call the script does not define: a library variable, a step, or "No such DSL method". */
    Object invoke(String name, Object[] args) {
        if (jenkins.library.hasVariable(name)) {
            steps << [step: name, library: true, args: args.length > 0 && args[0] instanceof Map ? args[0] : [:]]
            return libraryVariable(name).invokeMethod('call', args)
        }
        if (!PARAMETERS.containsKey(name) || (name in WARNINGS_NG && !('warnings-ng' in plugins))) {
            List<String> available = PARAMETERS.keySet().findAll { !(it in WARNINGS_NG) || 'warnings-ng' in plugins } as List
            throw new NoSuchMethodError("No such DSL method '${name}' found among steps ${available.sort()}")
        }
        Closure body = args.length > 0 && args[-1] instanceof Closure ? (Closure) args[-1] : null
        List<Object> rest = body ? (args as List).subList(0, args.length - 1) : (args as List)
        Map named = namedArguments(name, rest)
        if ((name in BLOCK_STEPS) != (body != null)) {
            throw new IllegalArgumentException("${name}: ${body ? 'takes no block' : 'needs a block { }'}")
        }
        steps << [step: name, args: named]
        if (!(name in ['echo', 'pipeline', 'script'])) {
            log("[Pipeline] ${name}")
        }
        return "step_${name}"(named, body)
    }

    private Script libraryVariable(String name) {
        Script instance = libraryVariables[name]
        if (instance == null) {
            instance = jenkins.library.variableClass(name).newInstance()
            instance.setBinding(binding)
            libraryVariables[name] = instance
        }
        return instance
    }

    /** `step 'x'` means the step's first parameter; `step(a: 1)` is checked against its parameters. */
    private static Map namedArguments(String name, List<Object> args) {
        List<String> accepted = PARAMETERS[name]
        Map named = [:]
        if (args.size() == 1 && args[0] instanceof Map) {
            named.putAll((Map) args[0])
        } else if (args.size() == 1) {
            named[accepted[0]] = args[0]
        } else if (args.size() > 1) {
            throw new IllegalArgumentException("${name}: expected named arguments, got ${args.size()} positional ones")
        }
        List unknown = named.keySet().findAll { !(it in accepted) } as List
        if (unknown) {
            throw new IllegalArgumentException(
                "WARNING: Unknown parameter(s) found for step '${name}': ${unknown.join(', ')} (accepted: ${accepted.join(', ')})")
        }
        return named
    }

    // ---- steps -------------------------------------------------------------------------------------------------

    Object step_echo(Map args, Closure body) {
        log(args.message)
        return null
    }

    Object step_error(Map args, Closure body) {
        throw new AbortException(String.valueOf(args.message))
    }

    Object step_sh(Map args, Closure body) {
        if (args.returnStatus && args.returnStdout) {
            throw new IllegalArgumentException('sh: returnStatus and returnStdout are mutually exclusive')
        }
        File scriptFile = new File(tmpDir(), "durable-${UUID.randomUUID()}.sh")
        scriptFile.text = String.valueOf(args.script)
        ProcessBuilder builder = new ProcessBuilder('/bin/sh', '-xe', scriptFile.absolutePath).directory(workspace)
        builder.environment().clear()
        Map<String, String> environment = env.effective().findAll { key, value -> value != null }
        builder.environment().putAll(environment)
        // What the library told eds (EDS_* only: no secrets), for tests to check.
        args.edsEnvironment = environment.findAll { key, value -> key.startsWith('EDS_') && key != 'EDS_COMMAND' &&
                                                                 key != 'EDS_STATE_DIR' }
        builder.redirectErrorStream(!args.returnStdout)
        Process process = builder.start()
        process.outputStream.close()
        StringBuffer stdout = new StringBuffer()
        Thread errors = args.returnStdout ? Thread.start { process.errorStream.eachLine { log(it) } } : null
        if (args.returnStdout) {
            stdout.append(process.inputStream.text)
        } else {
            process.inputStream.eachLine { log(it) }
        }
        if (!process.waitFor(jenkins.shellTimeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            throw new HarnessError("sh ran longer than ${jenkins.shellTimeoutSeconds}s: ${args.script}")
        }
        errors?.join()
        scriptFile.delete()
        int status = process.exitValue()
        if (args.returnStatus) {
            return status
        }
        if (status != 0) {
            throw new AbortException("script returned exit code ${status}")
        }
        return args.returnStdout ? stdout.toString() : null
    }

    Object step_readJSON(Map args, Closure body) {
        if ((args.file == null) == (args.text == null)) {
            throw new IllegalArgumentException('readJSON: give exactly one of file and text')
        }
        String text = args.file != null ? file(args.file as String).text : args.text as String
        return plain(new JsonSlurper().parseText(text))
    }

    Object step_writeJSON(Map args, Closure body) {
        String json = JsonOutput.toJson(args.json)
        if (((args.pretty ?: 0) as int) > 0) {
            json = JsonOutput.prettyPrint(json)
        }
        if (args.returnText) {
            return json
        }
        file(args.file as String).text = json
        return null
    }

    Object step_readFile(Map args, Closure body) {
        return file(args.file as String).text
    }

    Object step_writeFile(Map args, Closure body) {
        File target = file(args.file as String)
        target.parentFile.mkdirs()
        target.text = String.valueOf(args.text)
        return null
    }

    Object step_fileExists(Map args, Closure body) {
        return file(args.file as String).exists()
    }

    Object step_pwd(Map args, Closure body) {
        return args.tmp ? tmpDir().absolutePath : workspace.absolutePath
    }

    Object step_isUnix(Map args, Closure body) {
        return true
    }

    Object step_libraryResource(Map args, Closure body) {
        File resource = new File(jenkins.library.resources, args.resource as String)
        if (!resource.isFile()) {
            throw new AbortException("No such library resource ${args.resource} could be found.")
        }
        return resource.getText('UTF-8')
    }

    Object step_library(Map args, Closure body) {
        jenkins.library.checkIdentifier(args.identifier as String)
        return null
    }

    Object step_lock(Map args, Closure body) {
        String resource = args.resource as String
        if (!resource) {
            throw new IllegalArgumentException('lock: resource is required')
        }
        log("Trying to acquire lock on [Resource: ${resource}]")
        jenkins.acquire(resource, this)
        log("Lock acquired on [Resource: ${resource}]")
        try {
            return body()
        } finally {
            jenkins.release(resource)
            log("Lock released on resource [Resource: ${resource}]")
        }
    }

    Object step_milestone(Map args, Closure body) {
        int ordinal = args.ordinal != null ? args.ordinal as int : lastMilestone + 1
        if (ordinal <= lastMilestone) {
            throw new IllegalStateException("milestone: ordinal ${ordinal} is not greater than the previous one (${lastMilestone})")
        }
        lastMilestone = ordinal
        Integer newer = jenkins.passMilestone(job, ordinal, number)
        if (newer != null) {
            log("Superseded by ${job} #${newer}")
            throw new FlowInterruptedException('NOT_BUILT', new CancelledCause("${job} #${newer}"))
        }
        return null
    }

    Object step_timeout(Map args, Closure body) {
        if (!(args.time instanceof Number) || (args.time as long) <= 0) {
            throw new IllegalArgumentException("timeout: time must be a positive number (got ${args.time})")
        }
        String unit = args.unit ?: 'MINUTES'
        TimeUnit.valueOf(unit)
        activeTimeouts << [time: args.time, unit: unit]
        try {
            return body()
        } finally {
            activeTimeouts.remove(activeTimeouts.size() - 1)
        }
    }

    Object step_input(Map args, Closure body) {
        if (!args.message) {
            throw new IllegalArgumentException('input: message is required')
        }
        log(args.message)
        log("${args.ok ?: 'Proceed'} or Abort")
        if (inputAnswers.isEmpty()) {
            throw new HarnessError("input '${args.message}' was not expected: no answer scripted")
        }
        Map answer = inputAnswers.remove(0)
        if (answer.timeout) {
            if (activeTimeouts.isEmpty()) {
                throw new HarnessError("input '${args.message}' has no timeout around it: it would wait forever")
            }
            log('Timeout has been exceeded')
            throw new FlowInterruptedException('ABORTED', exceededTimeout())
        }
        String by = answer.by as String
        if (args.submitter) {
            List<String> allowed = (args.submitter as String).split(',')*.trim()
            if (!(by in allowed)) {
                throw new HarnessError("input: ${by} may not answer (submitter: ${args.submitter}); Jenkins would not let them")
            }
        }
        if (answer.abort) {
            log("Rejected by ${by}")
            throw new FlowInterruptedException('ABORTED', new Rejection(by))
        }
        log("Approved by ${by}")
        Map values = [:]
        (args.parameters ?: []).each { Map parameter ->
            values[parameter.name] = (answer.parameters ?: [:]).containsKey(parameter.name) ?
                answer.parameters[parameter.name] : parameter.defaultValue
        }
        if (args.submitterParameter) {
            values[args.submitterParameter] = by
        }
        return values.isEmpty() ? null : values.size() == 1 ? values.values().first() : values
    }

    /** Jenkins' TimeoutStepExecution.ExceededTimeout (a nested class: loaded by name once its outer class is). */
    private static Object exceededTimeout() {
        return Class.forName("${TimeoutStepExecution.name}\$ExceededTimeout", true, TimeoutStepExecution.classLoader)
            .newInstance()
    }

    Object step_withEnv(Map args, Closure body) {
        Map<String, String> values = [:]
        (args.overrides as List).each { entry ->
            String text = entry.toString()
            int equals = text.indexOf('=')
            if (equals <= 0) {
                throw new IllegalArgumentException("withEnv: expected NAME=VALUE, got ${text}")
            }
            values[text.substring(0, equals)] = text.substring(equals + 1)
        }
        return env.with(values, body)
    }

    Object step_string(Map args, Closure body) {
        return [$class: 'StringBinding', credentialsId: args.credentialsId, variable: args.variable]
    }

    Object step_withCredentials(Map args, Closure body) {
        Map<String, String> values = [:]
        (args.bindings as List).each { Map binding ->
            if (binding.$class != 'StringBinding') {
                throw new HarnessError("withCredentials: the harness only has string credentials, not ${binding.$class}")
            }
            String secret = jenkins.credentials[binding.credentialsId]
            if (secret == null) {
                throw new AbortException("Could not find credentials entry with ID '${binding.credentialsId}'")
            }
            values[binding.variable as String] = secret
        }
        return env.with(values, body)
    }

    Object step_junit(Map args, Closure body) {
        List<File> reports = matching(args.testResults as String)
        if (reports.isEmpty() && !args.allowEmptyResults) {
            throw new AbortException('No test report files were found. Configuration error?')
        }
        int tests = 0
        int failures = 0
        reports.each { File report ->
            def xml = new XmlSlurper().parse(report)
            List suites = xml.name() == 'testsuite' ? [xml] : xml.testsuite.list()
            suites.each { suite ->
                tests += suite.testcase.size()
                failures += suite.testcase.findAll { it.failure.size() > 0 || it.error.size() > 0 }.size()
            }
        }
        if (tests == 0 && !args.allowEmptyResults) {
            throw new AbortException('None of the test reports contained any result')
        }
        published << [step: 'junit', files: reports*.name, tests: tests, failures: failures]
        if (failures > 0 && !args.skipMarkingBuildUnstable) {
            currentBuild.result = 'UNSTABLE'
        }
        return [totalCount: tests, failCount: failures]
    }

    Object step_archiveArtifacts(Map args, Closure body) {
        List<File> files = (args.artifacts as String).split(',').collectMany { matching(it.trim()) }
        if (files.isEmpty() && !args.allowEmptyArchive) {
            throw new AbortException("No artifacts found that match the file pattern \"${args.artifacts}\". Configuration error?")
        }
        archived.addAll(files*.name)
        return null
    }

    Object step_sarif(Map args, Closure body) {
        return [$class: 'Sarif', pattern: args.pattern, id: args.id, name: args.name]
    }

    Object step_recordIssues(Map args, Closure body) {
        (args.tools as List).each { Map tool ->
            List<File> files = matching(tool.pattern as String)
            int issues = files.sum(0) { File file ->
                (new JsonSlurper().parse(file).runs ?: []).sum(0) { it.results?.size() ?: 0 }
            } as int
            published << [step: 'recordIssues', tool: tool.$class, files: files*.name, issues: issues]
        }
        return null
    }

    Object step_stage(Map args, Closure body) {
        log("[Pipeline] { (${args.name})")
        try {
            return body()
        } finally {
            log('[Pipeline] }')
        }
    }

    Object step_node(Map args, Closure body) {
        return body()
    }

    Object step_script(Map args, Closure body) {
        return body()
    }

    Object step_pipeline(Map args, Closure body) {
        new DeclarativePipeline(this).define(body).run()
        return null
    }

    /** Run `body` with environment values (a declarative `environment` block). */
    Object withEnvironment(Map<String, String> values, Closure body) {
        return env.with(values, body)
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    File tmpDir() {
        File tmp = new File(workspace.parentFile, "${workspace.name}@tmp")
        tmp.mkdirs()
        return tmp
    }

    private File file(String path) {
        File candidate = new File(path)
        return candidate.isAbsolute() ? candidate : new File(workspace, path)
    }

    /** Workspace files matching an Ant-style pattern (`**` and `*`). */
    private List<File> matching(String pattern) {
        if (!pattern) {
            return []
        }
        PathMatcher matcher = FileSystems.default.getPathMatcher("glob:${pattern}")
        Path root = workspace.toPath()
        List<File> found = []
        workspace.eachFileRecurse(FileType.FILES) { File candidate ->
            if (matcher.matches(root.relativize(candidate.toPath()))) {
                found << candidate
            }
        }
        return found.sort()
    }

    /** JsonSlurper's maps as LinkedHashMap / ArrayList, as readJSON(returnPojo: true) gives. */
    private static Object plain(Object value) {
        if (value instanceof Map) {
            Map copy = new LinkedHashMap()
            value.each { key, item -> copy[key] = plain(item) }
            return copy
        }
        if (value instanceof List) {
            return value.collect { plain(it) }
        }
        return value
    }

}
