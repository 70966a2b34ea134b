package dev.weft.proc;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Who a thread acts as: a principal and its attributes (immutable). Each process has one
 * ({@link WeftProcess#security()}); a thread may act as another for a scope
 * ({@link #impersonate}), Windows' thread impersonation.
 *
 * <p>Impersonation is carried by a {@link ScopedValue}, for exactly the body's extent, and is
 * visible to the impersonating thread only: another thread, including a goroutine started inside
 * the scope, sees its process's own context unless it impersonates itself. A scoped value does
 * reach one kind of thread besides its binder, a {@code StructuredTaskScope}'s forks, which
 * inherit the scope's bindings; so the binding records the thread that made it, and
 * {@link #current()} ignores a binding made by another thread (a fork sees its process's context,
 * and a fork that is not a member of the process, under ONE_TO_ONE, the root's). Scopes nest; the
 * innermost wins.
 */
public final class SecurityContext {
    /** An impersonation and the thread that made it, the only one it applies to. */
    private record Impersonation(SecurityContext context, Thread thread) {}

    private static final ScopedValue<Impersonation> IMPERSONATED = ScopedValue.newInstance();

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
        if (IMPERSONATED.isBound()) {
            Impersonation i = IMPERSONATED.get();
            if (i.thread() == Thread.currentThread()) {
                return i.context();
            }
            // Inherited by a StructuredTaskScope fork: not this thread's impersonation. An
            // enclosing binding of this thread's own cannot be under it (a fork starts with its
            // parent's bindings and binds its own on top).
        }
        return WeftProcess.current().security();
    }

    /** Runs {@code body} acting as {@code ctx}; the scope ends when {@code body} returns or throws. */
    public static void impersonate(SecurityContext ctx, Runnable body) {
        Objects.requireNonNull(ctx, "weft: impersonation of a null security context");
        Objects.requireNonNull(body, "weft: impersonation with a null body");
        ScopedValue.where(IMPERSONATED, new Impersonation(ctx, Thread.currentThread())).run(body);
    }

    /** {@link #impersonate(SecurityContext, Runnable)} for a body with a result. */
    public static <T> T impersonate(SecurityContext ctx, Callable<T> body) throws Exception {
        Objects.requireNonNull(ctx, "weft: impersonation of a null security context");
        Objects.requireNonNull(body, "weft: impersonation with a null body");
        return ScopedValue.where(IMPERSONATED, new Impersonation(ctx, Thread.currentThread())).call(body::call);
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
