package dev.llmsse.web;

import org.springframework.http.HttpStatus;

/** The caller is known but may not do this (a model outside its key's allow-list): 403 with this code. */
class ForbiddenException extends RefusedRequestException {

    ForbiddenException(String code, String message) {
        super(HttpStatus.FORBIDDEN, code, message);
    }
}
