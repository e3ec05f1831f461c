"""The Docker provisioner: app images built on the nodes, units, routes and releases.

``deployer`` orchestrates; ``engines`` reaches the nodes, ``archive`` turns an
uploaded app into a build context, ``images`` builds and pushes, ``units``
runs containers, ``routing`` talks to the router and DNS.
"""
