"""Registration of every diffseg module and the default scope."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every module that registers components into diffseg's registries.

    Args:
        init_default_scope: also make ``diffseg`` the current default scope, so
            that ``type='OneStepLDIS'`` resolves without a prefix.
    """
    import diffseg.apis  # noqa: F401,F811
    import diffseg.datasets  # noqa: F401,F811
    import diffseg.engine  # noqa: F401,F811
    import diffseg.evaluation  # noqa: F401,F811
    import diffseg.models  # noqa: F401,F811
    import diffseg.structures  # noqa: F401,F811
    import diffseg.visualization  # noqa: F401,F811
    if not init_default_scope:
        return
    never_created = (DefaultScope.get_current_instance() is None
                     or not DefaultScope.check_instance_created('diffseg'))
    if never_created:
        DefaultScope.get_instance('diffseg', scope_name='diffseg')
        return
    current_scope = DefaultScope.get_current_instance()
    if current_scope.scope_name != 'diffseg':
        warnings.warn('The current default scope '
                      f'"{current_scope.scope_name}" is not "diffseg", '
                      '`register_all_modules` will force the current '
                      'default scope to be "diffseg".')
        new_instance_name = f'diffseg-{datetime.datetime.now()}'
        DefaultScope.get_instance(new_instance_name, scope_name='diffseg')
