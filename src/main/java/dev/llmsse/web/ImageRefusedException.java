package dev.llmsse.web;

/**
 * A 400 about a request's images (a URL the gateway does not forward, a model that cannot see them). Answered as it
 * is even when the body is over {@code max-body-bytes}: such a body was read because of its images, and the client
 * needs to hear what is wrong with them rather than that the body is too large.
 */
class ImageRefusedException extends BadRequestException {

    ImageRefusedException(String message) {
        super(message);
    }
}
