package eds.harness

/** The test is wrong (not the library): an input nobody scripted, an answer Jenkins would not accept. */
class HarnessError extends Error {
    HarnessError(String message) {
        super(message)
    }
}
