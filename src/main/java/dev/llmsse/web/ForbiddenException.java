package dev.llmsse.web;

/** The caller is known but may not do this (a model outside its key's allow-list): 403. */
class ForbiddenException extends RuntimeException {

    private final String code;

    ForbiddenException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
