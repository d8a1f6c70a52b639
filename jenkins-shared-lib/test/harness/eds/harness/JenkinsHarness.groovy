package eds.harness

import java.util.concurrent.Semaphore

/**
 * A Jenkins controller for tests: one shared library, one workspace, string credentials, node properties
 * (agent environment), and the state builds share: lockable resources and passed milestones.
 */
class JenkinsHarness {

    final SharedLibrary library
    final File workspace
    final String url = 'https://jenkins.example.com/'
    final Map<String, String> credentials = [:]
    final Map<String, String> agentEnvironment = [:]
    final boolean verbose
    long shellTimeoutSeconds = 180

    private final Map<String, Semaphore> locks = [:]
    private final Map<String, Map<Integer, Integer>> milestones = [:]
    private int nextNumber = 1

    JenkinsHarness(SharedLibrary library, File workspace, boolean verbose = false) {
        this.library = library
        this.workspace = workspace
        this.verbose = verbose
        workspace.mkdirs()
    }

    /**
     * Run a Jenkinsfile (`jenkinsfile`: a File, or `script`: its text) as a new build. Config: `job`, `number`
     * (default: the next one), `startedBy` (a user id; null: a timer), `params`, `inputs` (scripted answers to
     * `input`, in order: `[by: 'alice']`, `[by: 'bob', abort: true]`, `[timeout: true]`), `plugins`
     * (default ['warnings-ng']; [] for a Jenkins without Warnings NG).
     */
    Build run(Map config) {
        int number = config.number != null ? config.number as int : nextNumber
        nextNumber = Math.max(nextNumber, number + 1)
        String text = config.jenkinsfile ? ((File) config.jenkinsfile).text : config.script as String
        String name = config.jenkinsfile ? ((File) config.jenkinsfile).name : "inline-${number}"
        Build build = new Build(this, config + [number: number])
        return build.execute(library.compileJenkinsfile(text, name))
    }

    synchronized void acquireFor(String resource) {
        locks.computeIfAbsent(resource) { new Semaphore(1, true) }
    }

    void acquire(String resource, Build build) {
        acquireFor(resource)
        locks[resource].acquire()
    }

    void release(String resource) {
        locks[resource].release()
    }

    /** Record that build `number` passed milestone `ordinal`; returns the newer build that already passed it, if any. */
    synchronized Integer passMilestone(String job, int ordinal, int number) {
        Map<Integer, Integer> passed = milestones.computeIfAbsent(job) { [:] }
        Integer newest = passed[ordinal]
        if (newest != null && newest > number) {
            return newest
        }
        passed[ordinal] = number
        return null
    }

}
