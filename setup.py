from setuptools import find_packages, setup


def read_requirements(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith(('#', '-r'))]


def read_version():
    scope = {}
    with open('dapfsr/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


# tools/deployment/pytorch2onnx.py (torch's dynamo exporter) and onnxruntime to check and run it
DEPLOY = ['onnx', 'onnxscript', 'onnxruntime']

setup(
    name='dapfsr',
    version=read_version(),
    description='Cross-domain face super-resolution with one-shot domain adaptation (DAP-FSR)',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('configs', 'tools', 'tests')),
    include_package_data=True,
    python_requires='>=3.9',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={'tests': read_requirements('requirements/tests.txt')
                    + read_requirements('requirements/photo.txt') + read_requirements('requirements/web.txt')
                    + DEPLOY,
                    'identity': read_requirements('requirements/identity.txt'),
                    'photo': read_requirements('requirements/photo.txt'),
                    'tensorboard': read_requirements('requirements/tensorboard.txt'),
                    'deploy': DEPLOY,
                    'web': read_requirements('requirements/web.txt')},
    license='Apache License 2.0',
)
