package eds.harness

/**
 * Base class of every script the harness compiles (Jenkinsfiles and vars/*.groovy), as CpsScript is in Jenkins:
 * a call that is not a method of the script goes to the build, which runs the step or the library's global
 * variable of that name (or fails as Jenkins does: "No such DSL method").
 */
abstract class PipelineScript extends Script {

    Object methodMissing(String name, Object args) {
        Build build = (Build) getBinding().getVariable(Build.BINDING_KEY)
        return build.invoke(name, args as Object[])
    }

}
