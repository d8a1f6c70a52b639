package eds.harness

/**
 * The `env` global: `env.NAME` reads (null when unset), `env.NAME = value` sets a build-wide variable (as a
 * String), and withEnv / withCredentials push overrides for the duration of their block. `effective()` is what
 * `sh` gets: the agent's process environment, then the build's, then the overrides, innermost last.
 */
class EnvVars {

    private final Map<String, String> agent
    private final Map<String, String> build = [:]
    private final List<Map<String, String>> overrides = []

    EnvVars(Map<String, String> agent, Map<String, String> build) {
        this.agent = new LinkedHashMap<String, String>(agent)
        this.build.putAll(build)
    }

    Object getProperty(String name) {
        if (name == 'metaClass') {
            return getMetaClass()
        }
        return effective()[name]
    }

    void setProperty(String name, Object value) {
        build[name] = value == null ? null : value.toString()
    }

    String getAt(String name) {
        return effective()[name]
    }

    Map<String, String> getEnvironment() {
        return effective()
    }

    Map<String, String> effective() {
        Map<String, String> all = new LinkedHashMap<String, String>(agent)
        all.putAll(build)
        overrides.each { all.putAll(it) }
        return all
    }

    /** Run `body` with `values` set; they are removed afterwards, also when `body` throws. */
    Object with(Map<String, String> values, Closure body) {
        overrides << new LinkedHashMap<String, String>(values)
        try {
            return body()
        } finally {
            overrides.remove(overrides.size() - 1)
        }
    }

}
