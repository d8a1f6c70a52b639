package io.eds.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Runs `eds` for one step of a build, through pipeline steps only: `sh` (returnStatus, `--json` redirected to a
 * file in the workspace's tmp directory), `readJSON`, `withEnv` for who acts (EDS_FRONT_END=jenkins, EDS_USER,
 * EDS_JOB_URL) and `withCredentials` for secrets. Secrets reach eds as environment variables that eds.yaml
 * references (`env:NAME`), never as command-line text, so neither `sh -x` nor eds can print them.
 */
class EdsRunner implements Serializable {

    private static final long serialVersionUID = 1L

    /** The CLI package, its version and the exit-code table. */
    static final String RESOURCE = 'io/eds/jenkins/eds-cli.json'

    /** Options passed on when one step calls another for the same deployment. */
    private static final List<String> PASSED_ON = ['file', 'state', 'edsCommand', 'credentials'].asImmutable()

    /** The pipeline script (a vars/ step) whose steps this calls. */
    private final Object steps
    final String stepName
    final Map<String, Object> options
    private Map cli

    EdsRunner(Object steps, String stepName, Map<String, Object> options) {
        this.steps = steps
        this.stepName = stepName
        this.options = options
    }

    /** Check a step's arguments and return a runner for it; a bad argument fails the build naming it. */
    static EdsRunner forStep(Object steps, String stepName, Map args, Map<String, Map> accepted) {
        Map<String, Object> options = null
        try {
            options = StepArguments.validate(stepName, args, accepted)
        } catch (IllegalArgumentException invalid) {
            steps.error(invalid.message)
        }
        return new EdsRunner(steps, stepName, options)
    }

    /** The keys of a map, sorted (so bindings and commands come out in a stable order). */
    @NonCPS
    static List<String> sortedKeys(Map<String, String> map) {
        return new ArrayList<String>(map.keySet()).sort()
    }

    /** Run one `eds` command and return its result map (see EdsResult); `actingUser` overrides who acts. */
    Map run(EdsCommandLine commandLine, String actingUser = null) {
        Map info = cliInfo()
        String tmp = steps.pwd(tmp: true)
        String resultFile = "${tmp}/eds-${stepName}-${UUID.randomUUID()}.json"
        String script = commandLine.toShell(edsCommand(), "${info.package}@${info.version}", resultFile)
        Integer exitCode = null
        Closure runEds = {
            exitCode = steps.sh(script: script, returnStatus: true, label: "eds ${commandLine.command}") as Integer
        }
        steps.withEnv(identity(actingUser ?: user())) {
            withSecrets(runEds)
        }
        Map result = EdsResult.from(readResult(resultFile), exitCode, exitCodes())
        steps.echo("${stepName}: ${EdsResult.summary(commandLine.command, result)}")
        return result
    }

    /** Return the result, or fail the build with its reason when it failed and `propagate` is on. */
    Map finish(Map result) {
        if (!result.ok && options.propagate) {
            steps.error(EdsResult.failureMessage(stepName, result, exitCodes()))
        }
        return result
    }

    /** Options for a step called on the same deployment (edsDeploy answering a pause): the build is not failed. */
    @NonCPS
    Map passOn() {
        Map passed = [propagate: false]
        PASSED_ON.each { String name ->
            if (options[name] != null) {
                passed[name] = options[name]
            }
        }
        return passed
    }

    /** Who acts: the `user` argument, else BUILD_USER_ID (build-user-vars), else who started the build, or jenkins. */
    String user() {
        if (options.user) {
            return options.user
        }
        String fromPlugin = steps.env.BUILD_USER_ID
        if (fromPlugin) {
            return fromPlugin
        }
        return userWhoStartedBuild() ?: 'jenkins'
    }

    ExitCodes exitCodes() {
        return new ExitCodes(cliInfo().exitCodes as List<Map>)
    }

    private String userWhoStartedBuild() {
        List causes = []
        try {
            causes = steps.currentBuild.getBuildCauses('hudson.model.Cause$UserIdCause') as List
        } catch (MissingMethodException tooOldJenkins) {
            steps.echo("${stepName}: cannot tell who started the build (${tooOldJenkins.message})")
        }
        return causes ? causes[0].userId : null
    }

    private String edsCommand() {
        return options.edsCommand ?: (steps.env.EDS_COMMAND ?: null)
    }

    private Map cliInfo() {
        if (cli == null) {
            cli = EdsResult.plain(steps.readJSON(text: steps.libraryResource(RESOURCE), returnPojo: true)) as Map
        }
        return cli
    }

    /**
     * Who acts and from where, and which variables hold secrets: EDS_SECRET_VARS names the bound credentials
     * (added to any the agent sets) so that eds prints their values as *** too, not only Jenkins' log masking.
     */
    private List<String> identity(String actingUser) {
        List<String> variables = ['EDS_FRONT_END=jenkins', "EDS_USER=${actingUser}".toString()]
        String jobUrl = steps.env.BUILD_URL
        if (jobUrl) {
            variables << "EDS_JOB_URL=${jobUrl}".toString()
        }
        Map<String, String> credentials = options.credentials ?: [:]
        if (credentials) {
            String inherited = steps.env.EDS_SECRET_VARS
            List<String> names = (inherited ? [inherited] : []) + sortedKeys(credentials)
            variables << "EDS_SECRET_VARS=${names.join(',')}".toString()
        }
        return variables
    }

    /** Run `body` with each credential bound to its variable (Jenkins masks them in the console as well). */
    private void withSecrets(Closure body) {
        Map<String, String> credentials = options.credentials ?: [:]
        if (!credentials) {
            body()
            return
        }
        List<String> variables = sortedKeys(credentials)
        List bindings = []
        for (int i = 0; i < variables.size(); i++) {
            bindings << steps.string(credentialsId: credentials[variables[i]], variable: variables[i])
        }
        steps.withCredentials(bindings, body)
    }

    /** The parsed result file, or null when eds printed no JSON (a crash, a missing command). */
    @SuppressWarnings('CatchException') // readJSON's parse errors have no common type besides Exception
    private Object readResult(String file) {
        Object parsed = null
        try {
            parsed = steps.readJSON(file: file, returnPojo: true)
        } catch (InterruptedException interrupted) {
            throw interrupted
        } catch (Exception unreadable) {
            steps.echo("${stepName}: eds printed no JSON result (${unreadable.message})")
        }
        return parsed
    }

}
