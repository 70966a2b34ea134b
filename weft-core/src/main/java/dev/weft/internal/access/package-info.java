/**
 * Internal access between public packages (the JDK's "shared secrets" pattern): a public class
 * installs an access object from its static initialiser, and another public package of weft uses
 * it, so that what one offers the other is no public API. This package cannot name the public types
 * (internal never imports the public packages), hence the Object-typed arguments.
 */
package dev.weft.internal.access;
