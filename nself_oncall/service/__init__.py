"""One function per use case: plain values in, plain values out.

The API calls only this layer; it uses the store and the pure core. Dependencies that
live with the app (the schedule cache, the plugin registry) are passed in as arguments.
"""
