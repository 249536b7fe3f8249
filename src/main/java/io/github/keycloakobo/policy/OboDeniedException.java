package io.github.keycloakobo.policy;

/** Carries a {@link Denial} out of code that cannot return one (parsing, verification). */
public class OboDeniedException extends RuntimeException {

    private final transient Denial denial;

    public OboDeniedException(Denial denial) {
        super(denial.reason() + ": " + denial.description(), null, false, false);
        this.denial = denial;
    }

    public OboDeniedException(OAuthError error, String reason, String description) {
        this(Denial.of(error, reason, description));
    }

    public Denial denial() {
        return denial;
    }
}
