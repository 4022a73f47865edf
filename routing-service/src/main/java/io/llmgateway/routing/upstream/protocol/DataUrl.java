package io.llmgateway.routing.upstream.protocol;

/** A {@code data:<media type>;base64,<data>} URL taken apart; null for any other URL. */
record DataUrl(String mediaType, String data) {

    static DataUrl parse(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return null;
        }
        String head = url.substring(5, comma);
        int semi = head.indexOf(';');
        return new DataUrl(semi >= 0 ? head.substring(0, semi) : head, url.substring(comma + 1));
    }
}
