/**
 * Deliberately wrong classes, laid out like Keyway's packages, that each architecture rule must be seen to reject.
 * Nothing here runs; ArchitectureTest only reads it.
 */
package io.keyway.archfixture;
