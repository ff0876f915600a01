package io.keyway.archfixture.domain;

public record CleanModel(String value) {
}
