package io.keyway.archfixture.persistence;

public class SomeRow {
}
