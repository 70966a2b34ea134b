/**
 * JMX: {@link dev.weft.management.WeftRuntimeMXBean}, one platform MXBean per runtime,
 * {@code dev.weft:type=Runtime,name=<name>}.
 */
package dev.weft.management;
