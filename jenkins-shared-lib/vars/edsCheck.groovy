import io.eds.jenkins.EdsCommandLine
import io.eds.jenkins.EdsRunner
import io.eds.jenkins.EdsResult
import io.eds.jenkins.StepArguments

/**
 * Check the rendered configuration and vulnerability reports against the environment's security policy with
 * `eds check`, publish the reports (junit; SARIF with recordIssues when Warnings NG is installed, else
 * archiveArtifacts; the Markdown summary archived), then fail the build when the policy blocks (exit 3).
 * See vars/edsCheck.txt.
 */
Map call(Map args = [:]) {
    EdsRunner eds = EdsRunner.forStep(this, 'edsCheck', args, StepArguments.CHECK)
    Map options = eds.options
    EdsCommandLine check = new EdsCommandLine('check', options)
        .option('--env', options.environment)
        .repeated('--vuln-report', options.vulnerabilityReports)
        .option('--sarif', options.sarif)
        .option('--junit', options.junit)
        .option('--markdown', options.markdown)
    Map result = EdsResult.withCheck(eds.run(check))
    result.reports = [sarif: options.sarif, junit: options.junit, markdown: options.markdown]
    if (options.publish) {
        result.published = publishReports(options)
    }
    return eds.finish(result)
}

/** Publish what eds wrote (a usage error writes nothing); returns how each report was published. */
Map publishReports(Map options) {
    Map published = [:]
    if (fileExists(options.junit)) {
        junit(testResults: options.junit, allowEmptyResults: true, skipMarkingBuildUnstable: true)
        published.junit = 'junit'
    }
    List<String> archived = []
    if (fileExists(options.sarif)) {
        try {
            recordIssues(enabledForFailure: true,
                tools: [sarif(pattern: options.sarif, id: 'eds-security', name: 'EDS security')])
            published.sarif = 'recordIssues'
        } catch (NoSuchMethodError warningsNgNotInstalled) {
            archived << options.sarif
            published.sarif = 'archiveArtifacts'
        }
    }
    if (fileExists(options.markdown)) {
        archived << options.markdown
        published.markdown = 'archiveArtifacts'
    }
    if (archived) {
        archiveArtifacts(artifacts: archived.join(','), allowEmptyArchive: true, fingerprint: true)
    }
    return published
}
