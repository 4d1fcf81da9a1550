"""wirework.di: an open ``Container``'s components as dependency-injector providers.

Larger apps already know dependency-injector: ``@inject``, ``Provide[...]``,
``override`` in tests. This package lets them use exactly that on a wirework
container, while the wirework container keeps the jobs it owns (open and close
order, the YAML component list, cycle detection)::

    from wirework.container import Container
    from wirework.di import ByDescriptor, Provide, bridge, inject

    @inject
    def handler(store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
        return store.load(None, "key")

    with Container.from_file("config.yml") as container:
        di = bridge(container)                 # di.container is a DynamicContainer
        di.wire(modules=[__name__])            # unresolvable markers raise ConfigError
        handler()
        with di.override("*:state-store:*:*:1.0", fake):
            handler()                          # gets fake; so does container.references
        di.unwire()

Names: ``Provide["state_store_memory_default"]`` (the ``alias:`` key of an entry,
else ``<type>_<kind>_<name>``), and ``Provide["<alias>_config.options.x"]`` or
``Provide[ByDescriptor(pattern).option("options.x")]`` for configuration. One rule
gives every name, so a reader can predict them from the YAML.

A provider name must be a dot-free identifier (dependency-injector splits string ids
on ``.``) and must not shadow an attribute of the container (``providers``, ``wire``,
``parent``... a provider called ``providers`` would replace the registry). So:

1. an entry's own ``alias:`` key wins: it must be an identifier, must not start with
   ``_``, end in ``_config`` or shadow a container attribute;
2. otherwise the name is derived from the descriptor as ``<type>_<kind>_<name>``:
   ``pip-services:state-store:memory:default:1.0`` -> ``state_store_memory_default``
   (lower case, every run of other characters becomes ``_``, ``*`` becomes ``any``);
   a ``type:``-only entry is named after its class in snake case
   (``myapp.orders:OrderService`` -> ``order_service``);
3. each component's configuration is named ``<alias>_config``.

Two explicit aliases that collide are a config error. A derived name claimed twice
(say two groups' ``persistence:memory:default``) is withheld rather than guessed: the
components stay reachable by ``ByDescriptor``, and a marker that uses the withheld
name fails at wire time with the reason.

``Provide``, ``Provider`` and ``inject`` are dependency-injector's own, handed out here
so that one import serves.
"""

from dependency_injector.wiring import Provide, Provider, inject

from wirework.di._bridge import Bridge, bridge
from wirework.di._container import ByDescriptor, ComponentEntry, WireworkContainer
from wirework.di._override import Override

__all__ = [
    "Bridge",
    "ByDescriptor",
    "ComponentEntry",
    "Override",
    "Provide",
    "Provider",
    "WireworkContainer",
    "bridge",
    "inject",
]
