package io.github.keycloakobo.policy;

/**
 * A client scope of the source client.
 *
 * @param name                its name
 * @param isDefault           a default scope (always applied) rather than an optional one
 * @param includedInTokenScope whether it shows in the token's {@code scope} claim ({@code roles}, {@code acr},
 *                            {@code basic}, {@code web-origins} typically do not, and are not subject to ceilings)
 */
public record SourceScope(String name, boolean isDefault, boolean includedInTokenScope) {
}
