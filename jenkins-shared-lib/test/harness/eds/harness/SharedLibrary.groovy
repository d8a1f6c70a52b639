package eds.harness

import org.codehaus.groovy.control.CompilerConfiguration

/**
 * A shared library checked out on disk (vars/, src/, resources/), compiled as Jenkins does: src/ classes on the
 * class path, each vars/NAME.groovy a script class whose instance is the global variable NAME.
 */
class SharedLibrary {

    final String name
    final File root
    final File resources
    private final GroovyClassLoader loader
    private final Map<String, Class<? extends Script>> variables = [:]

    SharedLibrary(String name, File root) {
        this.name = name
        this.root = root
        this.resources = new File(root, 'resources')
        CompilerConfiguration config = new CompilerConfiguration()
        config.scriptBaseClass = PipelineScript.name
        loader = new GroovyClassLoader(SharedLibrary.classLoader, config)
        loader.addClasspath(new File(root, 'src').absolutePath)
        new File(root, 'vars').listFiles().findAll { it.name.endsWith('.groovy') }.sort().each { File file ->
            variables[file.name - '.groovy'] = (Class<? extends Script>) loader.parseClass(file)
        }
    }

    Set<String> getVariableNames() {
        return variables.keySet()
    }

    boolean hasVariable(String variable) {
        return variables.containsKey(variable)
    }

    Class<? extends Script> variableClass(String variable) {
        return variables[variable]
    }

    /**
     * Compile a Jenkinsfile. Its `@Library('NAME[@VERSION]') _` line (handled by Jenkins before compiling) must
     * name this library and is removed; so is a `library 'NAME'` step's need to load anything.
     */
    Class<? extends Script> compileJenkinsfile(String text, String fileName) {
        String source = text.readLines().collect { String line ->
            def annotation = line =~ /^\s*@Library\(\s*['"]([^'"]+)['"]\s*\)\s*_?\s*$/
            if (annotation.matches()) {
                checkIdentifier(annotation.group(1))
                return ''
            }
            return line
        }.join('\n')
        return (Class<? extends Script>) loader.parseClass(source, fileName.replaceAll(/[^A-Za-z0-9_]/, '_') + '.groovy')
    }

    void checkIdentifier(String identifier) {
        if (identifier.split('@')[0] != name) {
            throw new HarnessError("library '${identifier}' is not configured (this harness has '${name}')")
        }
    }

}
