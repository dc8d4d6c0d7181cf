// offline state: written by the offline module
