/**
 * Execution traces: {@link dev.weft.trace.TraceRecording}, started by
 * {@code Weft.startTrace(Path)} for one runtime or by {@code -Dweft.trace=FILE} for every runtime
 * of the JVM (written at exit). The file is Chrome trace-event JSON, written by the artifact
 * {@code dev.weft:weft-trace}, which must be on the class path.
 */
package dev.weft.trace;
