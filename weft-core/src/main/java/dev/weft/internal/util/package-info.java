/** Small shared pieces with no dependencies on the rest of weft: the clock. */
package dev.weft.internal.util;
