package io.github.keycloakobo.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.keycloakobo.policy.Decision;
import io.github.keycloakobo.policy.ExchangeRequest;
import io.github.keycloakobo.policy.OboClientAttributes;
import io.github.keycloakobo.policy.OboClientPolicy;
import io.github.keycloakobo.policy.OboPolicyEngine;
import io.github.keycloakobo.policy.RealmCeilings;
import io.github.keycloakobo.policy.RequestForm;
import io.github.keycloakobo.policy.SourceScope;
import io.github.keycloakobo.policy.SubjectFacts;
import io.github.keycloakobo.policy.Target;
import io.github.keycloakobo.policy.TokenTypes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure OBO decision, as the exchange runs it once per request: reading the source client's {@code obo.*}
 * attributes ({@link OboClientAttributes#read} and {@link OboPolicyEngine#checkSource}), the request checks, and
 * {@link OboPolicyEngine#decide}.
 * The inputs mirror the load benchmark's realm (one target, the default client scopes of a Keycloak client).
 * Short runs on purpose (1 fork, 1 s iterations): see bench/README.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class PolicyBenchmark {

    static final long NOW = 1_700_000_000L;

    /** The source client's attributes, as Keycloak hands them over. */
    final Map<String, String> attributes = new HashMap<>(Map.of(
            "obo.enabled", "true",
            "obo.audiences", "target-api",
            "client.secret.creation.time", "1700000000",
            "standard.token.exchange.enabled", "false"));

    /** Same with every obo.* attribute set (more parsing). */
    final Map<String, String> fullAttributes = new HashMap<>(Map.of(
            "obo.enabled", "true",
            "obo.audiences", "target-api billing-api shipping-api",
            "obo.scopes", "openid profile email orders.read",
            "obo.max-hops", "2",
            "obo.token-lifetime", "300",
            "obo.refresh-token", "false"));

    final ExchangeRequest request = new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, "source-obo", true,
            TokenTypes.ACCESS_TOKEN, Set.of(), List.of("target-api"), List.of(), Set.of(), null);

    final ExchangeRequest resourceRequest = new ExchangeRequest(RequestForm.TOKEN_EXCHANGE, "source-obo", true,
            TokenTypes.ACCESS_TOKEN, Set.of(), List.of(), List.of("https://target.example.com/api"),
            Set.of("profile"), null);

    final SubjectFacts subject = new SubjectFacts("onrtac:3b5d1a3e-0c3f-4d8e-9a51-1b1f3f2ad6f1", "bench-app",
            Set.of("source-obo", "source-std", "target-api", "account"), Set.of("openid", "profile", "email"),
            List.of(), false, false, NOW + 3600);

    final OboClientPolicy policy = sourcePolicy(attributes);

    final Map<String, Optional<Target>> targetMap = Map.of(
            "target-api", Optional.of(new Target("target-api", true, Set.of("https://target.example.com/api"))));
    final Function<String, Optional<Target>> targets = id -> targetMap.getOrDefault(id, Optional.empty());

    final List<SourceScope> sourceScopes = List.of(
            new SourceScope("acr", true, false),
            new SourceScope("basic", true, false),
            new SourceScope("email", true, true),
            new SourceScope("profile", true, true),
            new SourceScope("roles", true, false),
            new SourceScope("web-origins", true, false),
            new SourceScope("address", false, true),
            new SourceScope("microprofile-jwt", false, true),
            new SourceScope("offline_access", false, true),
            new SourceScope("organization", false, true),
            new SourceScope("phone", false, true),
            new SourceScope("openid", false, true));

    /** What the exchange does with the source client's attributes: read them once, check the source rules. */
    static OboClientPolicy sourcePolicy(Map<String, String> attributes) {
        OboClientAttributes read = OboClientAttributes.read(attributes::get);
        if (OboPolicyEngine.checkSource("source-obo", false, read).isPresent()) {
            throw new IllegalStateException("source refused");
        }
        return read.policy();
    }

    @Benchmark
    public OboClientPolicy sourcePolicy() {
        return sourcePolicy(attributes);
    }

    @Benchmark
    public OboClientPolicy sourcePolicyAllSet() {
        return sourcePolicy(fullAttributes);
    }

    @Benchmark
    public Decision decide() {
        return OboPolicyEngine.decide(request, subject, policy, RealmCeilings.NONE, targets, sourceScopes, NOW);
    }

    @Benchmark
    public Decision decideByResource() {
        return OboPolicyEngine.decide(resourceRequest, subject, policy, RealmCeilings.NONE, targets, sourceScopes,
                NOW);
    }

    /** Everything the pure side does per exchange: parse the attributes, check the request, decide. */
    @Benchmark
    public Decision policyPerExchange() {
        OboClientPolicy p = sourcePolicy(attributes);
        if (OboPolicyEngine.checkRequest(request).isPresent()) {
            throw new IllegalStateException("request refused");
        }
        return OboPolicyEngine.decide(request, subject, p, RealmCeilings.NONE, targets, sourceScopes, NOW);
    }
}
