"""The capture's process roles: fork, confine, enter the sandboxed native loop; and their policies."""
