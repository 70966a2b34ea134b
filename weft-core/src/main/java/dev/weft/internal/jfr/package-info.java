/** weft's JDK Flight Recorder event types ({@link dev.weft.internal.jfr.WeftEvents}). */
package dev.weft.internal.jfr;
