package org.jenkinsci.plugins.workflow.support.steps.input

/** Stand-in for the cause of an `input` aborted by a user; getUser() is a hudson.model.User (here: an id holder). */
class Rejection {
    static class User {
        final String id
        User(String id) {
            this.id = id
        }
        String toString() {
            return id
        }
    }

    private final User user

    Rejection(String userId) {
        this.user = userId ? new User(userId) : null
    }

    User getUser() {
        return user
    }

    String getShortDescription() {
        return "Rejected by ${user ?: 'SYSTEM'}"
    }
}
