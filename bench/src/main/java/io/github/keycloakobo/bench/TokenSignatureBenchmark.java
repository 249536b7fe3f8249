package io.github.keycloakobo.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one piece of work every exchange must do that dominates its CPU: signing the new token. Keycloak signs with
 * the realm's RS256 key (RSA-2048, the JDK's SunRsaSign provider) by default; ES256 for comparison. The input has
 * the size of the exchanged token's header and payload (about 840 bytes, base64url). JFR cannot sample inside the
 * BigInteger intrinsics that do the RSA work, so a profile under-reports this; this measures it directly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class TokenSignatureBenchmark {

    KeyPair rsa;
    KeyPair ec;
    final byte[] signingInput = "x".repeat(840).getBytes(StandardCharsets.US_ASCII);

    @Setup
    public void keys() throws GeneralSecurityException {
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
        e.initialize(new ECGenParameterSpec("secp256r1"));
        ec = e.generateKeyPair();
    }

    @Benchmark
    public byte[] rs256() throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        s.update(signingInput);
        return s.sign();
    }

    @Benchmark
    public byte[] es256() throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(ec.getPrivate());
        s.update(signingInput);
        return s.sign();
    }
}
