package dev.weft.proc;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Who a thread acts as: a principal and its attributes (immutable). Each process has one
 * ({@link WeftProcess#security()}); a thread may act as another for a scope
 * ({@link #impersonate}), Windows' thread impersonation.
 *
 * <p>Impersonation is carried by a {@link ScopedValue}, so it is visible to the impersonating
 * thread only, for exactly the body's extent: another thread, including a goroutine started
 * inside the scope (a scoped value reaches only a {@code StructuredTaskScope}'s forks), sees its
 * process's own context unless it impersonates itself. Scopes nest; the innermost wins.
 */
public final class SecurityContext {
    private static final ScopedValue<SecurityContext> IMPERSONATED = ScopedValue.newInstance();

    /** The root process's context. */
    public static final SecurityContext SYSTEM = new SecurityContext("system", Map.of());

    private final String principal;
    private final Map<String, String> attributes;

    private SecurityContext(String principal, Map<String, String> attributes) {
        this.principal = principal;
        this.attributes = attributes;
    }

    /**
     * A context for {@code principal} with a copy of {@code attributes}.
     *
     * @throws NullPointerException if the principal, the map, or a key or value in it is null
     * @throws IllegalArgumentException if the principal is blank
     */
    public static SecurityContext of(String principal, Map<String, String> attributes) {
        Objects.requireNonNull(principal, "weft: security context with a null principal");
        Objects.requireNonNull(attributes, "weft: security context with null attributes");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("weft: security context with a blank principal");
        }
        attributes.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new NullPointerException("weft: security context attribute " + k + "=" + v
                        + ": keys and values must not be null");
            }
        });
        return new SecurityContext(principal, Map.copyOf(attributes));
    }

    /**
     * The effective context of the calling thread: the innermost impersonation in scope, else its
     * process's context ({@link SecurityContext#SYSTEM} for the root process).
     */
    public static SecurityContext current() {
        return IMPERSONATED.isBound() ? IMPERSONATED.get() : WeftProcess.current().security();
    }

    /** Runs {@code body} acting as {@code ctx}; the scope ends when {@code body} returns or throws. */
    public static void impersonate(SecurityContext ctx, Runnable body) {
        Objects.requireNonNull(ctx, "weft: impersonation of a null security context");
        Objects.requireNonNull(body, "weft: impersonation with a null body");
        ScopedValue.where(IMPERSONATED, ctx).run(body);
    }

    /** {@link #impersonate(SecurityContext, Runnable)} for a body with a result. */
    public static <T> T impersonate(SecurityContext ctx, Callable<T> body) throws Exception {
        Objects.requireNonNull(ctx, "weft: impersonation of a null security context");
        Objects.requireNonNull(body, "weft: impersonation with a null body");
        return ScopedValue.where(IMPERSONATED, ctx).call(body::call);
    }

    public String principal() {
        return principal;
    }

    /** The attributes, immutable. */
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityContext s && s.principal.equals(principal) && s.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return principal.hashCode() * 31 + attributes.hashCode();
    }

    @Override
    public String toString() {
        return "SecurityContext[" + principal + ", " + attributes + "]";
    }
}
