/** {@code weft trace}: the timeline page of an execution trace ({@link dev.weft.cli.trace.TracePage}). */
package dev.weft.cli.trace;
