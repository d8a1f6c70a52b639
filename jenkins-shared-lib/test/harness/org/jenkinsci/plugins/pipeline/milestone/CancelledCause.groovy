package org.jenkinsci.plugins.pipeline.milestone

/** Stand-in for the cause given to an older build cancelled at a milestone a newer build has passed. */
class CancelledCause {
    final String newerBuild

    CancelledCause(String newerBuild) {
        this.newerBuild = newerBuild
    }

    String getShortDescription() {
        return "Superseded by ${newerBuild}"
    }
}
