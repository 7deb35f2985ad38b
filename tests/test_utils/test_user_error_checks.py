"""dapfsr.utils.user_errors: the checks behind the tools' one-line errors
(tests/test_tools/test_user_errors.py runs the tools themselves)."""
import pytest
from mmengine.config import Config

from dapfsr.utils.user_errors import (InputError, check_config_types, init_arguments,
                                      library_error_message)


class Base:

    def __init__(self, size=1, indices=None):
        self.size, self.indices = size, indices


class Passes(Base):

    def __init__(self, root, **kwargs):
        self.root = root
        super().__init__(
            size=2, **kwargs)


class PassesOn(Passes):

    def __init__(self, extra=0, **kw):
        super(PassesOn, self).__init__('r', **kw)


class Keeps(Base):

    def __init__(self, **kwargs):
        super().__init__()
        self.options = kwargs  # not passed on: any key may be meant


def test_init_arguments_follow_kwargs_to_the_base_classes():
    assert init_arguments(Base) == ['size', 'indices']
    assert init_arguments(Passes) == ['root', 'size', 'indices']
    assert init_arguments(PassesOn) == ['extra', 'root', 'size', 'indices']
    assert init_arguments(Keeps) is None


def test_a_type_no_registry_holds_is_named_with_its_key_and_close_matches():
    check_config_types(Config(dict(model=dict(type='DAPFSR', encoder=dict(type='DAPEncoder')))))
    with pytest.raises(InputError, match=r"^model\.encoder\.type: 'DAPEncodr' is not in dapfsr's model "
                                         r'registry; did you mean DAPEncoder'):
        check_config_types(Config(dict(model=dict(type='DAPFSR', encoder=dict(type='DAPEncodr')))))
    with pytest.raises(InputError, match=r"^val_evaluator\.0\.type: 'PSRN' is not in dapfsr's metric registry; "
                                         'did you mean PSNR'):
        check_config_types(Config(dict(val_evaluator=[dict(type='PSRN')])))
    with pytest.raises(InputError, match=r"^adaptation\.type: 'DAMA' is not in dapfsr's adaptation registry; "
                                         'did you mean DAMMA'):
        check_config_types(Config(dict(adaptation=dict(type='DAMA', augmenter=dict(type='SoftLatentMixing')))))


def test_a_renamed_type_is_told_its_new_name():
    with pytest.raises(InputError, match=r"^custom_hooks\.0\.type: 'DAMMAHook' is now type='OneShotAdaptationHook'$"):
        check_config_types(Config(dict(custom_hooks=[dict(type='DAMMAHook', protocol=dict(split='A'))])))


def test_mmengine_errors_of_a_config_become_one_line():
    built = KeyError('class `DAPFSR` in dapfsr/models/editors/dapfsr/dapfsr.py: DAPEncodr is not in the '
                     'dapfsr::model registry. Please check whether the value of `DAPEncodr` is correct')
    assert library_error_message(built) == ("'DAPEncodr' is not in dapfsr's model registry; "
                                            'did you mean DAPEncoder?')
    assert library_error_message(KeyError('img')) is None  # a bug keeps its traceback
    assert library_error_message(ImportError('No module named torch')) is None
